/**
 * `npm run bench:fleet`: the server under a virtual Fishtest fleet. Prints figures, asserts
 * nothing, stops by itself, loopback only. See docs/benchmarks.md, "Fleet benchmark".
 *
 *   npm run bench:fleet -- --help
 */
import { runCadence } from './fleet/cadence.js';
import { parseFleetOptions, USAGE } from './fleet/options.js';
import { runSaturationMode } from './fleet/saturation.js';

const options = (() => {
  try {
    return parseFleetOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
})();

if (options === 'help') {
  process.stdout.write(USAGE);
} else {
  const started = performance.now();
  try {
    await (options.mode === 'saturation' ? runSaturationMode(options) : runCadence(options));
    process.stdout.write(`\n(total ${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  } catch (error) {
    process.stderr.write(`fleet benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
