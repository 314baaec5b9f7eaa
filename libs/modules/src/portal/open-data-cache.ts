import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';

interface Entry {
  version: string;
  etag: string;
  body: string | Buffer;
}

/**
 * Built open-data files, kept until the data changes. Each request costs one indexed read of the
 * data version; a file is rebuilt only when the version moved, and a client holding the current
 * ETag gets 304 without a body. Concurrent requests for a file being rebuilt share one build.
 */
@Injectable()
export class OpenDataCache {
  private readonly entries = new Map<string, Entry>();
  private readonly building = new Map<string, Promise<Entry>>();

  async get(file: string, version: string, build: () => Promise<string | Buffer>): Promise<Entry> {
    const cached = this.entries.get(file);
    if (cached?.version === version) return cached;
    const key = `${file}@${version}`;
    let pending = this.building.get(key);
    if (!pending) {
      pending = build().then((body) => {
        const entry = { version, body, etag: `"${createHash('sha256').update(`${file}\n${version}`).digest('base64url').slice(0, 27)}"` };
        this.entries.set(file, entry);
        return entry;
      });
      this.building.set(key, pending);
      void pending.finally(() => this.building.delete(key)).catch(() => undefined);
    }
    return pending;
  }
}
