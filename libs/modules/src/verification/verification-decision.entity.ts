import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type VerificationOutcome = 'accepted' | 'accepted_lower' | 'rejected';

/** The monitoring committee's ruling on one declaration. Revoking it keeps the row and records why. */
@Entity('verification_decisions')
export class VerificationDecision {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  declarationId: string;

  @Column({ type: 'uuid' })
  itemId: string;

  @Column({ type: 'text' })
  outcome: VerificationOutcome;

  /** The percent the committee verified; null for a rejection. */
  @Column({ type: 'smallint', nullable: true })
  verifiedPercent: number | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'uuid' })
  decidedBy: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  decidedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  revokedBy: string | null;

  @Column({ type: 'text', nullable: true })
  revokeReason: string | null;
}
