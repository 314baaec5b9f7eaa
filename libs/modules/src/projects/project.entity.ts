import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { rials } from '../database/columns';

/** Figures an agency declared about itself in the source report: shown as self-declared, never as verified. */
export interface ReportedFigures {
  actualProgressPct: number | null;
  budgetNeed: 'low' | 'medium' | 'high' | null;
  serviceCoveragePct: number | null;
  source: string;
}

export interface RepeatOf {
  portfolioCode?: string;
  projectCode?: string;
  elsewhereEn?: string;
  noteEn?: string;
}

@Entity('projects')
export class Project {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  portfolioId: string;

  @Column()
  code: string;

  @Column()
  nameFa: string;

  @Column()
  nameEn: string;

  /** Null only for a confidential project whose lead the source does not name. */
  @Column({ type: 'uuid', nullable: true })
  leadAgencyId: string | null;

  /** Null until the Plan and Budget Organization sets it. */
  @Column({ type: 'numeric', precision: 20, scale: 0, nullable: true, transformer: rials })
  budgetRials: bigint | null;

  @Column()
  confidential: boolean;

  @Column()
  synthetic: boolean;

  @Column({ type: 'jsonb', nullable: true })
  reported: ReportedFigures | null;

  @Column({ type: 'jsonb', nullable: true })
  repeats: RepeatOf | null;

  /** Collaborators the source names only in prose (e.g. "all executive agencies, banks …"). */
  @Column({ type: 'text', nullable: true })
  collaboratorsNoteEn: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
