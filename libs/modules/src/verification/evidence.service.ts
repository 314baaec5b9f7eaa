import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { mayReadEvidence } from '@pelekan/core';
import type { Actor } from '../common/actor';
import { Forbidden, InvalidInput, NotFound, PayloadTooLarge, UnsupportedMediaType } from '../common/errors';
import { AppConfig } from '../config';
import { Database } from '../database/database';
import { EvidenceFileView } from './dto';
import { EvidenceFileRow, EvidenceRepository } from './evidence.repository';
import { EvidenceStore } from './evidence-store';
import { ACCEPTED_EVIDENCE_TYPES, sanitizeFilename, sniffEvidenceType } from './file-type';

export interface IncomingFile {
  filename: string;
  declaredType: string;
  stream: Readable;
  /** Set by the multipart parser when the stream was cut at the size limit. */
  truncated: () => boolean;
}

/** An evidence file with its bytes, for download. */
export interface EvidenceContent {
  file: EvidenceFileView;
  content: Buffer;
}

@Injectable()
export class EvidenceService {
  constructor(
    private readonly db: Database,
    private readonly repository: EvidenceRepository,
    private readonly store: EvidenceStore,
    private readonly config: AppConfig,
  ) {}

  get maxBytes(): number {
    return this.config.EVIDENCE_MAX_BYTES;
  }

  async upload(actor: Actor, file: IncomingFile): Promise<EvidenceFileView> {
    const chunks: Buffer[] = [];
    let size = 0;
    const hash = createHash('sha256');
    for await (const chunk of file.stream) {
      size += chunk.length;
      if (size > this.maxBytes) break;
      hash.update(chunk);
      chunks.push(chunk);
    }
    if (size > this.maxBytes || file.truncated()) {
      file.stream.resume();
      throw new PayloadTooLarge(`evidence files may be at most ${this.maxBytes} bytes`);
    }
    if (size === 0) throw InvalidInput.field('file', 'the file is empty');
    const content = Buffer.concat(chunks);
    const filename = sanitizeFilename(file.filename);
    const contentType = sniffEvidenceType(content, filename, file.declaredType);
    if (!contentType) {
      throw new UnsupportedMediaType(`the file is not an accepted evidence type (${ACCEPTED_EVIDENCE_TYPES.join(', ')})`);
    }
    const sha256 = hash.digest('hex');
    const stored = await this.db.transaction(async (tx) => {
      await this.store.put(tx, sha256, content);
      return this.repository.insertFile(tx, {
        sha256,
        sizeBytes: size,
        contentType,
        filename,
        uploadedBy: actor.userId,
        organizationId: actor.organizationId,
      });
    });
    return toEvidenceFileView(stored);
  }

  async get(actor: Actor, id: string): Promise<EvidenceFileView> {
    return toEvidenceFileView(await this.readable(actor, id));
  }

  async content(actor: Actor, id: string): Promise<EvidenceContent> {
    const file = await this.readable(actor, id);
    const content = await this.store.get(this.db.reader, file.sha256);
    if (!content) throw new NotFound('evidence content', file.sha256);
    return { file: toEvidenceFileView(file), content };
  }

  private async readable(actor: Actor, id: string): Promise<EvidenceFileRow> {
    const file = await this.repository.file(this.db.reader, id);
    if (!file) throw new NotFound('evidence file', id);
    if (!mayReadEvidence(actor, file.organizationId)) {
      throw new Forbidden("another agency's evidence is not yours to read", 'not_your_evidence');
    }
    return file;
  }
}

export function toEvidenceFileView(file: EvidenceFileRow): EvidenceFileView {
  return {
    id: file.id,
    sha256: file.sha256,
    sizeBytes: file.sizeBytes,
    contentType: file.contentType,
    filename: file.filename,
    uploadedBy: file.uploadedBy,
    organizationId: file.organizationId,
    declarationId: file.declarationId,
    createdAt: file.createdAt,
  };
}
