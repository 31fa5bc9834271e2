export type * from './types.js';
export type { SpsaFailure, SpsaFailureCode, SpsaResult } from './failure.js';
export { CLASSIC_SPSA_ALGORITHM } from './algorithm.js';
export { buildSpsaState, requireSpsaParams, SPSA_FORM_DEFAULTS, type SpsaForm } from './build-state.js';
export { parseSpsaParams, type SpsaGainSettings } from './parse-params.js';
export { clipSpsaValue, spsaStepAt } from './step.js';
export { buildSpsaWorkerData, drawSpsaFlips } from './worker-data.js';
export { issueSpsaStep, type SpsaIssuedStep } from './issue-step.js';
export { packFlips, spsaFlipsSignature, unpackFlips } from './flips.js';
export { applySpsaResults, type SpsaUpdateOutcome } from './apply-results.js';
export { recordSpsaHistory, spsaHistoryPeriod } from './history.js';
export { spsaCoreLimit, spsaRunAcceptsMoreCores } from './core-limit.js';
export { buildSpsaFormValues, type SpsaFormValues, type StoredSpsaSettings } from './form-values.js';
export { formatSpsaDisplay, type SpsaDisplay } from './display.js';
export {
  buildSpsaChartPayload,
  type SpsaChartPayload,
  type SpsaChartRow,
  type SpsaChartSource,
  type SpsaChartStartRow,
} from './chart-payload.js';
export { recoverSampleIter } from './chart-iterations.js';
