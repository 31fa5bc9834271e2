import { composeContainer } from './container.js';
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger } from './logger.js';
import { buildApp } from './http/app.js';
import { onShutdownSignal } from './shutdown.js';

const main = async (): Promise<void> => {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const container = await composeContainer({ config, logger });
  const app = await buildApp({ container });
  onShutdownSignal({ logger, timeoutMs: config.shutdownTimeoutMs, close: () => app.close() });
  await app.listen({ port: config.port, host: config.host, backlog: config.listenBacklog });
};

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(1);
});
