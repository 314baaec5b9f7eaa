import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How long a replaced file stays on disk for the downloads that were handed it. */
const RETIRED_FILE_GRACE_MS = 60_000;

export interface OpenDataEntry {
  version: string;
  etag: string;
  /** The built file on disk. */
  path: string;
  size: number;
}

/**
 * Built open-data files, kept on disk until the data changes. Each request costs one indexed read of
 * the data version; a file is rebuilt only when the version moved, and a client holding the current
 * ETag gets 304 without a body. Concurrent requests for a file being rebuilt share one build. Files
 * live on disk, not in memory: a national items table is tens of megabytes, written and served as a
 * stream. A replaced file is unlinked a minute later; a download still reading it keeps it until it finishes.
 */
@Injectable()
export class OpenDataCache implements OnModuleDestroy {
  private readonly entries = new Map<string, OpenDataEntry>();
  private readonly building = new Map<string, Promise<OpenDataEntry>>();
  private dir: string | null = null;
  private builds = 0;

  async get(file: string, version: string, build: (path: string) => Promise<void>): Promise<OpenDataEntry> {
    const cached = this.entries.get(file);
    if (cached?.version === version) return cached;
    const key = `${file}@${version}`;
    let pending = this.building.get(key);
    if (!pending) {
      this.dir ??= mkdtempSync(join(tmpdir(), 'pelekan-open-data-'));
      const path = join(this.dir, `${++this.builds}-${file}`);
      pending = build(path)
        .then(async () => {
          const entry = {
            version,
            path,
            size: (await stat(path)).size,
            etag: `"${createHash('sha256').update(`${file}\n${version}`).digest('base64url').slice(0, 27)}"`,
          };
          const replaced = this.entries.get(file);
          this.entries.set(file, entry);
          // Later, not now: a request handed the old entry a moment ago has yet to open it.
          if (replaced && replaced.path !== path) setTimeout(() => void unlink(replaced.path).catch(() => undefined), RETIRED_FILE_GRACE_MS).unref();
          return entry;
        })
        .catch(async (error: unknown) => {
          await unlink(path).catch(() => undefined);
          throw error;
        });
      this.building.set(key, pending);
      void pending.finally(() => this.building.delete(key)).catch(() => undefined);
    }
    return pending;
  }

  onModuleDestroy(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
