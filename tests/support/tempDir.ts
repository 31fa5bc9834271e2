import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh directory under the OS temp dir, and a function that removes it. */
export function makeTempDir(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `fishtest-es-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
