import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor';
import { Forbidden, InvalidInput, NotFound, PayloadTooLarge, UnsupportedMediaType } from '../common/errors';
import { AppConfig } from '../config';
import { EvidenceFile } from './evidence-file.entity';
import { EvidenceStore } from './evidence-store';
import { ACCEPTED_EVIDENCE_TYPES, sniffEvidenceType } from './file-type';

export interface IncomingFile {
  filename: string;
  declaredType: string;
  stream: Readable;
  /** Set by the multipart parser when the stream was cut at the size limit. */
  truncated: () => boolean;
}

@Injectable()
export class EvidenceService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: EvidenceStore,
    private readonly config: AppConfig,
  ) {}

  get maxBytes(): number {
    return this.config.EVIDENCE_MAX_BYTES;
  }

  async upload(actor: Actor, file: IncomingFile): Promise<EvidenceFile> {
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
      throw new UnsupportedMediaType(
        `the file is not an accepted evidence type (${ACCEPTED_EVIDENCE_TYPES.join(', ')})`,
      );
    }
    const sha256 = hash.digest('hex');
    return this.db.transaction(async (tx) => {
      await this.store.put(tx, sha256, content);
      return tx.save(
        tx.create(EvidenceFile, {
          sha256,
          sizeBytes: size,
          contentType,
          filename,
          uploadedBy: actor.userId,
          organizationId: actor.organizationId,
          declarationId: null,
        }),
      );
    });
  }

  async get(actor: Actor, id: string): Promise<EvidenceFile> {
    const file = await this.db.manager.findOneBy(EvidenceFile, { id });
    if (!file) throw new NotFound('evidence file', id);
    this.assertMayRead(actor, file);
    return file;
  }

  async content(actor: Actor, id: string): Promise<{ file: EvidenceFile; content: Buffer }> {
    const file = await this.get(actor, id);
    const content = await this.store.get(this.db.manager, file.sha256);
    if (!content) throw new NotFound('evidence content', file.sha256);
    return { file, content };
  }

  /** Evidence is for the uploading agency, the committee that verifies it, PBO and admins. */
  private assertMayRead(actor: Actor, file: EvidenceFile): void {
    if (actor.role === 'agency' && actor.organizationId !== file.organizationId) {
      throw new Forbidden("another agency's evidence is not yours to read", 'not_your_evidence');
    }
  }
}

/** Keeps the name printable and harmless in a Content-Disposition header. */
export function sanitizeFilename(name: string | undefined): string {
  const base = ((name ?? '').split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  // By code points: cutting by UTF-16 units could leave half a surrogate pair.
  return Array.from(base || 'evidence').slice(0, 200).join('');
}
