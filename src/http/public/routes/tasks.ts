import type { FastifyInstance } from 'fastify';
import type { TaskDocument } from '../../../projections/tasks/taskDocument.js';
import { TASKS } from '../../../projections/tasks/tasksProjection.js';
import { taskDocId } from '../../../projections/runs/runEventFacts.js';
import type { PublicApiContext } from '../context.js';
import { notFound } from '../errors.js';
import { errorBody, taskBody, taskParams } from '../schemas.js';
import { badTaskView, taskView } from '../views.js';

const TASK_REFERENCE = /^(\d{1,9})(bad)?$/;

export const registerTaskRoutes = (app: FastifyInstance, { readModels, openApi }: PublicApiContext): void => {
  const tasks = () => readModels.collection<TaskDocument>(TASKS);

  openApi.add({
    method: 'get',
    path: '/api/get_task/{id}/{task}',
    summary: 'One task of a run, or with `<n>bad` the n-th purged task',
    description: "The worker's key is cut to 8 characters and its address hidden, as upstream does.",
    tags: ['runs'],
    params: taskParams,
    responses: {
      200: { description: 'The task', schema: taskBody },
      404: { description: 'No such run or task (any malformed reference too, as upstream)', schema: errorBody },
    },
  });
  app.get('/api/get_task/:id/:task', async (request) => {
    const { id, task } = taskParams.parse(request.params);
    const match = TASK_REFERENCE.exec(task);
    const missing = () => notFound(`The task ${id}/${task} does not exist`);
    if (!match) throw missing();
    const index = Number(match[1]);
    if (match[2] === undefined) {
      const found = await tasks().get(taskDocId(id, index));
      if (!found) throw missing();
      return taskView(found);
    }
    const [purged] = await tasks().find({ where: { run_id: id, bad_index: index }, limit: 1 });
    if (!purged?.bad_task) throw missing();
    return badTaskView(purged.bad_task);
  });
};
