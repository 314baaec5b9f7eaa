import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { row, rows } from '../database/database';

/** An uploaded evidence file's metadata. Its content lives in `evidence_blobs`, addressed by its hash. */
export interface EvidenceFileRow {
  id: string;
  sha256: string;
  sizeBytes: number;
  contentType: string;
  filename: string;
  uploadedBy: string;
  organizationId: string | null;
  /** Set when a declaration cites the file; a file backs one declaration only. */
  declarationId: string | null;
  createdAt: Date;
}

export interface NewEvidenceFile {
  sha256: string;
  sizeBytes: number;
  contentType: string;
  filename: string;
  uploadedBy: string;
  organizationId: string | null;
}

const FILE_COLUMNS = `id, sha256, size_bytes AS "sizeBytes", content_type AS "contentType", filename, uploaded_by AS "uploadedBy",
  organization_id AS "organizationId", declaration_id AS "declarationId", created_at AS "createdAt"`;

/** Evidence files and their bytes in PostgreSQL. */
@Injectable()
export class EvidenceRepository {
  async insertFile(tx: EntityManager, file: NewEvidenceFile): Promise<EvidenceFileRow> {
    const inserted = await row<EvidenceFileRow>(
      tx,
      `INSERT INTO evidence_files (sha256, size_bytes, content_type, filename, uploaded_by, organization_id)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${FILE_COLUMNS}`,
      [file.sha256, file.sizeBytes, file.contentType, file.filename, file.uploadedBy, file.organizationId],
    );
    return inserted!;
  }

  file(m: EntityManager, id: string): Promise<EvidenceFileRow | null> {
    return row<EvidenceFileRow>(m, `SELECT ${FILE_COLUMNS} FROM evidence_files WHERE id = $1`, [id]);
  }

  /** The files with these ids that exist, locked for the caller's transaction. */
  lockFiles(tx: EntityManager, ids: readonly string[]): Promise<EvidenceFileRow[]> {
    return rows<EvidenceFileRow>(tx, `SELECT ${FILE_COLUMNS} FROM evidence_files WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
  }

  async attachToDeclaration(tx: EntityManager, declarationId: string, ids: readonly string[]): Promise<void> {
    await tx.query('UPDATE evidence_files SET declaration_id = $1 WHERE id = ANY($2::uuid[])', [declarationId, ids]);
  }

  /** Stores the bytes under their hash; storing the same bytes twice is a no-op. */
  async putBlob(tx: EntityManager, sha256: string, content: Buffer): Promise<void> {
    await tx.query('INSERT INTO evidence_blobs (sha256, content) VALUES ($1, $2) ON CONFLICT DO NOTHING', [sha256, content]);
  }

  async blob(m: EntityManager, sha256: string): Promise<Buffer | null> {
    return (await row<{ content: Buffer }>(m, 'SELECT content FROM evidence_blobs WHERE sha256 = $1', [sha256]))?.content ?? null;
  }
}
