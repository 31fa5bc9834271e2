import type { FastifyInstance } from 'fastify';

export interface CloseDrainedConnectionsOptions {
  /** How often idle connections are closed while the server drains (50 ms). */
  intervalMs?: number;
}

/**
 * While the app closes, keeps closing the connections that have become idle, until the server
 * has none left.
 *
 * Why: closing the server closes the connections idle at that moment, once, and then waits for
 * the others. A reply begun before the close (a streamed PGN archive, say) was sent as keep-alive,
 * so when it finishes its connection is idle but open and nothing closes it: the close then waits
 * until the client drops it, which a client honouring Fastify's `Keep-Alive: timeout=72` does only
 * after about a minute, past a shutdown's timeout. (Replies begun after the close started carry
 * `Connection: close`.) Done on a timer during the close rather than per reply, so that serving
 * costs nothing extra.
 */
export const registerCloseDrainedConnections = (app: FastifyInstance, options: CloseDrainedConnectionsOptions = {}): void => {
  const intervalMs = options.intervalMs ?? 50;
  let timer: NodeJS.Timeout | undefined;
  app.addHook('preClose', (done) => {
    const server = app.server;
    if (server.listening && timer === undefined) {
      timer = setInterval(() => server.closeIdleConnections(), intervalMs);
      timer.unref();
    }
    done();
  });
  // onClose hooks run once the server has closed, its connections all gone.
  app.addHook('onClose', (_instance, done) => {
    clearInterval(timer);
    timer = undefined;
    done();
  });
};
