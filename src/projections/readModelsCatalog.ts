import type { Projection } from './projection.js';
import { actionsProjection } from './actions/actionsProjection.js';
import { contributorsProjection } from './contributors/contributorsProjection.js';
import { machinesProjection } from './machines/machinesProjection.js';
import { networksProjection } from './networks/networksProjection.js';
import { runsProjection } from './runs/runsProjection.js';
import { tasksProjection } from './tasks/tasksProjection.js';

/** The read models of runs, tasks, machines, networks, the audit log and contributors. */
export const readModelProjections: Projection[] = [
  runsProjection,
  tasksProjection,
  machinesProjection,
  networksProjection,
  actionsProjection,
  contributorsProjection,
];
