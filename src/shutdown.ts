import type { Logger } from './logger.js';

export interface ShutdownOptions {
  logger: Logger;
  timeoutMs: number;
  /** Stops accepting work, drains what is in flight, flushes and closes the stores. */
  close: () => Promise<void>;
}

/** On SIGTERM or SIGINT: close gracefully once, and exit non-zero if that takes longer than the timeout. */
export const onShutdownSignal = (options: ShutdownOptions): void => {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    options.logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      options.logger.error({ timeoutMs: options.timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, options.timeoutMs);
    timer.unref();
    options
      .close()
      .then(() => {
        options.logger.info('shutdown complete');
        process.exit(0);
      })
      .catch((err: unknown) => {
        options.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
};
