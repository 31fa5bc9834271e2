/** Runs tasks one at a time, in submission order (a mutex for async work). */
export interface SerialExecutor {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export const createSerialExecutor = (): SerialExecutor => {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(task) {
      const result = tail.then(task);
      tail = result.catch(() => undefined);
      return result;
    },
  };
};
