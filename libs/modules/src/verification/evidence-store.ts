import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Where evidence bytes live, addressed by SHA-256. PostgreSQL here; object storage could stand in. */
export abstract class EvidenceStore {
  /** Stores the content inside the caller's transaction; storing the same bytes twice is a no-op. */
  abstract put(manager: EntityManager, sha256: string, content: Buffer): Promise<void>;
  abstract get(manager: EntityManager, sha256: string): Promise<Buffer | null>;
}

@Injectable()
export class PostgresEvidenceStore extends EvidenceStore {
  async put(manager: EntityManager, sha256: string, content: Buffer): Promise<void> {
    await manager.query('INSERT INTO evidence_blobs (sha256, content) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      sha256,
      content,
    ]);
  }

  async get(manager: EntityManager, sha256: string): Promise<Buffer | null> {
    const rows = await manager.query('SELECT content FROM evidence_blobs WHERE sha256 = $1', [sha256]);
    return rows[0]?.content ?? null;
  }
}
