/**
 * A load-generator process, driven by the benchmark over IPC, so that its CPU is its own and
 * can be measured apart from the orchestrator's.
 */
import { createCadenceFleet, type CadenceFleet, type CadenceSettings } from './cadenceFleet.js';
import type { LoadCommand, LoadMessage } from './loadProtocol.js';
import { runSaturation } from './saturationLoad.js';

const send = (message: LoadMessage): void => {
  // The orchestrator is gone (interrupted): nobody is left to report to.
  if (process.connected) process.send?.(message);
};

process.on('disconnect', () => process.exit(0));

let fleet: CadenceFleet | undefined;
let go: (() => void) | undefined;
let progressTimer: NodeJS.Timeout | undefined;

const handle = async (command: LoadCommand): Promise<void> => {
  switch (command.type) {
    case 'saturate': {
      const warmedUp = () =>
        new Promise<void>((resolve) => {
          go = resolve;
          send({ type: 'saturation-warmed' });
        });
      send({ type: 'saturation-done', results: await runSaturation(command.settings, warmedUp) });
      return;
    }
    case 'go':
      go?.();
      go = undefined;
      return;
    case 'fleet-start':
      fleet = createCadenceFleet(command.settings satisfies CadenceSettings);
      progressTimer = setInterval(() => fleet && send({ type: 'progress', progress: fleet.progress() }), 1000);
      return;
    case 'join':
      fleet?.join(command.first, command.count, command.withinMs, command.cohort, command.warm);
      return;
    case 'phase':
      fleet?.setPhase(command.name);
      return;
    case 'fleet-stop': {
      if (fleet === undefined) throw new Error('no fleet to stop');
      const results = await fleet.stop();
      if (progressTimer) clearInterval(progressTimer);
      send({ type: 'fleet-done', results });
      fleet = undefined;
      return;
    }
    case 'exit':
      process.disconnect?.();
      return;
  }
};

process.on('message', (command: LoadCommand) => {
  handle(command).catch((error: unknown) => {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
send({ type: 'ready' });
