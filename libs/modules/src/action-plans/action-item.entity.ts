import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { rials } from '../database/columns';

/** One row of a project's action plan (بند اقدام). Declared and verified progress are kept apart. */
@Entity('action_items')
export class ActionItem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  projectId: string;

  @Column()
  code: string;

  @Column()
  titleFa: string;

  @Column()
  titleEn: string;

  @Column({ type: 'uuid' })
  ownerAgencyId: string;

  /** Hundredths: 2500 is a weight of 25.00 out of 100. */
  @Column({ type: 'integer' })
  weightHundredths: number;

  @Column({ type: 'timestamptz' })
  plannedStart: Date;

  @Column({ type: 'timestamptz' })
  plannedEnd: Date;

  @Column({ type: 'numeric', precision: 20, scale: 0, transformer: rials })
  budgetRials: bigint;

  /** The owner agency's latest claim. */
  @Column({ type: 'smallint' })
  declaredPercent: number;

  /** What the monitoring committee has verified; the only figure that opens a gate. */
  @Column({ type: 'smallint' })
  verifiedPercent: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastVerifiedAt: Date | null;

  /** A due date the monitoring committee extended; null means plannedEnd. */
  @Column({ type: 'timestamptz', nullable: true })
  dueAt: Date | null;

  /** When verified progress last changed (kept by a database trigger); escalation measures stalls from it. */
  @Column({ type: 'timestamptz', nullable: true, insert: false, update: false })
  progressMovedAt: Date | null;

  /** Set when an approved plan revision removed the item; it stays for history and released money. */
  @Column({ type: 'timestamptz', nullable: true })
  removedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  escalationQuietUntil: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
