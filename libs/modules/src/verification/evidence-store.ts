import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EvidenceRepository } from './evidence.repository';

/** Where evidence bytes live, addressed by SHA-256. PostgreSQL here; object storage could stand in. */
export abstract class EvidenceStore {
  /** Stores the content inside the caller's transaction; storing the same bytes twice is a no-op. */
  abstract put(manager: EntityManager, sha256: string, content: Buffer): Promise<void>;
  abstract get(manager: EntityManager, sha256: string): Promise<Buffer | null>;
}

@Injectable()
export class PostgresEvidenceStore extends EvidenceStore {
  constructor(private readonly repository: EvidenceRepository) {
    super();
  }

  put(manager: EntityManager, sha256: string, content: Buffer): Promise<void> {
    return this.repository.putBlob(manager, sha256, content);
  }

  get(manager: EntityManager, sha256: string): Promise<Buffer | null> {
    return this.repository.blob(manager, sha256);
  }
}
