/**
 * The scheduler gives an SPSA run no new task while its cores exceed 200000 / √(parameter
 * count): with many parameters, too many concurrent batches would play with stale thetas.
 */
export const spsaCoreLimit = (paramCount: number): number => 200000 / Math.sqrt(paramCount);

export const spsaRunAcceptsMoreCores = (runCores: number, paramCount: number): boolean =>
  !(runCores > spsaCoreLimit(paramCount));
