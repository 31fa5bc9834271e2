import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The legacy EventStoreDB client registers the same google-protobuf classes as
// @kurrent/kurrentdb-client; with both in one process the kurrent client breaks at run time.
const FORBIDDEN = ['@eventstore/db-client', '@event-driven-io/emmett-esdb'];

const root = path.resolve(import.meta.dirname, '..');

/** Installed package names found in a lockfile's `packages` map (npm lockfile v2/v3). */
function packagesInLockfile(file: string): Set<string> {
  const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages?: Record<string, unknown> };
  const names = new Set<string>();
  for (const key of Object.keys(lock.packages ?? {})) {
    const at = key.lastIndexOf('node_modules/');
    if (at >= 0) names.add(key.slice(at + 'node_modules/'.length));
  }
  return names;
}

/** Every installed package directory name, nested node_modules included. */
function packagesOnDisk(directory: string, found = new Set<string>()): Set<string> {
  if (!existsSync(directory)) return found;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const names = entry.name.startsWith('@')
      ? readdirSync(path.join(directory, entry.name), { withFileTypes: true })
          .filter((scoped) => scoped.isDirectory())
          .map((scoped) => `${entry.name}/${scoped.name}`)
      : [entry.name];
    for (const name of names) {
      found.add(name);
      packagesOnDisk(path.join(directory, name, 'node_modules'), found);
    }
  }
  return found;
}

describe('dependency tree', () => {
  const lockfile = path.join(root, 'package-lock.json');
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string> | undefined
  >;

  it('declares the kurrent client and none of the legacy EventStoreDB packages', () => {
    const declared = Object.keys({
      ...manifest.dependencies,
      ...manifest.devDependencies,
      ...manifest.optionalDependencies,
      ...manifest.peerDependencies,
    });
    expect(declared).toContain('@kurrent/kurrentdb-client');
    for (const name of FORBIDDEN) expect(declared).not.toContain(name);
  });

  it.runIf(existsSync(lockfile))('has no legacy EventStoreDB package anywhere in package-lock.json', () => {
    const locked = packagesInLockfile(lockfile);
    expect(locked.has('@kurrent/kurrentdb-client')).toBe(true);
    for (const name of FORBIDDEN) expect(locked.has(name), `${name} is in package-lock.json`).toBe(false);
  });

  it('has no legacy EventStoreDB package installed in node_modules', () => {
    const installed = packagesOnDisk(path.join(root, 'node_modules'));
    expect(installed.has('@kurrent/kurrentdb-client')).toBe(true);
    for (const name of FORBIDDEN) expect(installed.has(name), `${name} is installed`).toBe(false);
  });
});
