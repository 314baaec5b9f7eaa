import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** An uploaded evidence file's metadata. Content lives in `evidence_blobs`, addressed by its hash. */
@Entity('evidence_files')
export class EvidenceFile {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  sha256: string;

  @Column({ type: 'integer' })
  sizeBytes: number;

  @Column()
  contentType: string;

  @Column()
  filename: string;

  @Column({ type: 'uuid' })
  uploadedBy: string;

  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  /** Set when a declaration cites the file; a file backs one declaration only. */
  @Column({ type: 'uuid', nullable: true })
  declarationId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity('evidence_blobs')
export class EvidenceBlob {
  @PrimaryColumn()
  sha256: string;

  @Column({ type: 'bytea' })
  content: Buffer;
}
