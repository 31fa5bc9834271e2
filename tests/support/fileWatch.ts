import { statSync } from 'node:fs';

/** Size of `file` in bytes, 0 while it does not exist (a WAL before the first write). */
export const fileSize = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes; returns its last value. */
export const pollUntil = async (condition: () => boolean, timeoutMs = 5_000): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
};
