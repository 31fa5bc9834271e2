import { divide, log10, power } from './float-arithmetic.js';

/** Normalized Elo per unit of t-value: 800 / ln 10. */
export const NELO_PER_T_VALUE = 800 / Math.LN10;

const SCORE_CLAMP = 1e-3;

/**
 * Expected score of a player `elo` logistic Elo stronger: 1 / (1 + 10^(−elo/400)).
 * Total: where upstream's Python overflows (elo below about −123 000) this returns the limit 0.
 */
export const logisticScore = (elo: number): number => 1 / (1 + 10 ** (-elo / 400));

/** `logisticScore`, but failing with 'overflow' exactly where upstream's Python raises. */
export const logisticScoreOrAbort = (elo: number): number => divide(1, 1 + power(10, -elo / 400));

/** Logistic Elo of a score, the score first clamped to [0.001, 0.999] (about ±1200 Elo). */
export const eloFromScore = (score: number): number => {
  const clamped = Math.min(Math.max(score, SCORE_CLAMP), 1 - SCORE_CLAMP);
  return -400 * log10(1 / clamped - 1);
};

/** Normalized Elo of a t-value, t = (mean − ½)/σ, σ the per-game standard deviation. */
export const normalizedEloFromTValue = (t: number): number => t * NELO_PER_T_VALUE;

export const tValueFromNormalizedElo = (nelo: number): number => nelo / NELO_PER_T_VALUE;
