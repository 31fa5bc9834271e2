/** Timers that a stop cancels all at once: `sleep` resolves false when the fleet is stopping. */
export interface Sleeper {
  sleep(ms: number): Promise<boolean>;
  stopAll(): void;
  readonly stopped: boolean;
}

export const createSleeper = (): Sleeper => {
  const pending = new Map<NodeJS.Timeout, (awake: boolean) => void>();
  let stopped = false;
  return {
    get stopped() {
      return stopped;
    },
    sleep(ms) {
      if (stopped) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(timer);
          resolve(!stopped);
        }, Math.max(0, ms));
        pending.set(timer, resolve);
      });
    },
    stopAll() {
      stopped = true;
      for (const [timer, resolve] of pending) {
        clearTimeout(timer);
        resolve(false);
      }
      pending.clear();
    },
  };
};
