import { Metadata, Server, ServerCredentials, status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceError, UntypedServiceImplementation } from '@grpc/grpc-js';
import { createAppendHandler } from './appendHandler.js';
import type { AppendCall } from './appendHandler.js';
import { createMemoryLog } from './memoryLog.js';
import { createLiveSubscriptions, createReadHandler } from './readHandler.js';
import type { ReadCall, SubscriptionStart } from './readHandler.js';
import { StreamsService } from './protocol.js';

export type { StoredEvent } from './memoryLog.js';
export type { SubscriptionStart } from './readHandler.js';

/** A failure the next call of an RPC answers with, instead of doing its work. */
export type KurrentFault = 'unavailable' | 'not-leader';

export interface KurrentFake {
  /** `kurrentdb://127.0.0.1:<port>?tls=false&discoveryInterval=1` */
  url: string;
  stop(): Promise<void>;
  /** Ends every open subscription with UNAVAILABLE, as a dropped connection would. */
  dropSubscriptions(): void;
  /** Subscriptions to `$all` open right now. */
  openSubscriptions(): number;
  /** Where each `$all` subscription asked to start (exclusive position, 'start' or 'end'), in order. */
  subscriptionStarts(): readonly SubscriptionStart[];
  /** The next call of `rpc` fails with `fault` (one shot). */
  injectFault(rpc: 'append' | 'read', fault: KurrentFault): void;
}

function faultError(fault: KurrentFault, ownPort: number): Partial<ServiceError> {
  if (fault === 'unavailable') return { code: GrpcStatus.UNAVAILABLE, details: 'injected: server unavailable' };
  // A follower answers with NotFound plus trailers naming the leader; the client then
  // reconnects there. Naming the fake itself lets the next call succeed.
  const metadata = new Metadata();
  metadata.set('exception', 'not-leader');
  metadata.set('leader-endpoint-host', '127.0.0.1');
  metadata.set('leader-endpoint-port', String(ownPort));
  return { code: GrpcStatus.NOT_FOUND, details: 'injected: not leader', metadata };
}

/**
 * A KurrentDB stand-in speaking the real gRPC protocol (Streams.Append and Streams.Read),
 * enough for both the grpc-js side and the Rust bridge side of the client.
 * ServerFeatures is left unimplemented on purpose: the client then uses classic Append.
 */
export async function startKurrentFake(): Promise<KurrentFake> {
  const log = createMemoryLog();
  const live = createLiveSubscriptions();
  const faults = { append: [] as KurrentFault[], read: [] as KurrentFault[] };
  const read = createReadHandler(log, live);
  const append = createAppendHandler(log);

  const implementation: UntypedServiceImplementation = {
    read: (call: ReadCall) => {
      const fault = faults.read.shift();
      if (fault) call.emit('error', faultError(fault, port));
      else read(call);
    },
    append: (call: AppendCall, callback: (error: Partial<ServiceError> | null) => void) => {
      const fault = faults.append.shift();
      if (!fault) return append(call, callback);
      call.on('data', () => undefined);
      call.on('end', () => callback(faultError(fault, port)));
    },
  };

  const server = new Server();
  server.addService(StreamsService, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    ),
  );

  return {
    // The Rust bridge's first connection attempt always fails and the next one waits for
    // discoveryInterval (500 ms by default); a 1 ms interval keeps one client per test cheap.
    url: `kurrentdb://127.0.0.1:${port}?tls=false&discoveryInterval=1`,
    dropSubscriptions: () => live.dropAll(),
    openSubscriptions: () => live.openCount,
    subscriptionStarts: () => [...live.starts],
    injectFault: (rpc, fault) => faults[rpc].push(fault),
    async stop() {
      live.dropAll();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
