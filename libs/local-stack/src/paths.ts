import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder above this file holding package.json and nest-cli.json. */
export function projectRoot(start = __dirname): string {
  let dir = resolve(start);
  while (!(existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'nest-cli.json')))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no Pelekan checkout above ${start}`);
    dir = parent;
  }
  return dir;
}

/** Git-ignored state of the local default: database files, Temporal's SQLite file, secrets. */
export function dataDir(root = projectRoot()): string {
  return process.env.PELEKAN_DATA_DIR ?? join(root, '.data');
}
