import { TOKENS, composeContainer, disposeContainer } from './container.js';
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger } from './logger.js';
import { onShutdownSignal } from './shutdown.js';
import { isStalled } from './projections/stall.js';

const LAG_REPORT_MS = 30_000;

/** Runs only the projection runners, so query servers and projection workers scale apart. */
const main = async (): Promise<void> => {
  const config = { ...loadConfig(), runProjections: 'inline' as const };
  const logger = createLogger(config.logLevel);
  const container = await composeContainer({ config, logger });
  const engine = container.resolve(TOKENS.projectionEngine);
  const report = setInterval(() => {
    engine
      .statuses()
      .then((statuses) => {
        logger.info({ projections: statuses }, 'projection status');
        // This process has no /health: log-based alerting has to see a stall here.
        const now = Date.now();
        const stalled = statuses.filter((status) => isStalled(status, config.projectionStallMs, now));
        if (stalled.length > 0) logger.error({ projections: stalled }, 'projections stalled: behind the log with nothing applied');
      })
      .catch((err: unknown) => logger.warn({ err }, 'could not read projection status'));
  }, LAG_REPORT_MS);
  report.unref();
  // Installed before the runners start, so a SIGTERM during start-up still shuts down cleanly.
  onShutdownSignal({
    logger,
    timeoutMs: config.shutdownTimeoutMs,
    close: async () => {
      clearInterval(report);
      await disposeContainer(container);
    },
  });
  await engine.start();
  logger.info({ projections: (await engine.statuses()).map((s) => `${s.name}@v${s.version}`) }, 'projector started');
  // Keep the process alive while the runners wait for events.
  setInterval(() => undefined, 1 << 30);
};

main().catch((err: unknown) => {
  process.stderr.write(
    err instanceof ConfigError ? `${err.message}\n` : `Projector failed: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
