import { runAdmin } from './runAdmin.js';
import type { CliIo } from './types.js';

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
};

const io: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin,
};

// exitCode rather than exit(): let stdout drain before the process ends.
process.exitCode = await runAdmin(process.argv.slice(2), { io });
