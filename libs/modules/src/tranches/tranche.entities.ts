import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { TrancheState } from '@pelekan/core';
import { rials } from '../database/columns';

/**
 * A staged allocation (قسط تخصیص): an amount that funds some items and waits for others. Its state is
 * a read model written by the tranche workflow's activities; the workflow is the authority.
 */
@Entity('tranches')
export class Tranche {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  projectId: string;

  @Column({ type: 'integer' })
  number: number;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 0, transformer: rials })
  amountRials: bigint;

  @Column({ type: 'text' })
  state: TrancheState;

  /** Sequence number of the transition that set `state`; older writes never overwrite newer ones. */
  @Column({ type: 'integer' })
  stateSeq: number;

  @Column({ type: 'timestamptz' })
  stateChangedAt: Date;

  @Column({ type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  releasedAt: Date | null;

  @Column()
  workflowStarted: boolean;
}

export type TrancheItemRole = 'funds' | 'gate';

/** An item a tranche funds, or an item that gates it (by the action chain, or added by PBO). */
@Entity('tranche_items')
export class TrancheItem {
  @PrimaryColumn('uuid')
  trancheId: string;

  @PrimaryColumn('uuid')
  itemId: string;

  @PrimaryColumn({ type: 'text' })
  role: TrancheItemRole;

  @Column({ type: 'text', nullable: true })
  source: 'chain' | 'additional' | null;
}

/** One step of a tranche's history: who moved it, when, from what to what, and why. Append-only. */
@Entity('tranche_events')
export class TrancheEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  trancheId: string;

  @Column({ type: 'integer' })
  seq: number;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text', nullable: true })
  fromState: TrancheState | null;

  @Column({ type: 'text' })
  toState: TrancheState;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'jsonb' })
  detail: Record<string, unknown>;
}
