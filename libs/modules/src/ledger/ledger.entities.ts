import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { rials } from '../database/columns';

/** The PBO treasury (one) and one account per agency that received money. */
@Entity('ledger_accounts')
export class LedgerAccount {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  kind: 'treasury' | 'agency';

  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  /** Credits minus debits; the treasury's goes negative as it pays out. */
  @Column({ type: 'numeric', precision: 24, scale: 0, transformer: rials })
  balanceRials: bigint;
}

/** One release of one tranche. The business key makes it impossible to write twice. */
@Entity('ledger_entries')
export class LedgerEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  businessKey: string;

  @Column({ type: 'uuid' })
  trancheId: string;

  @Column({ type: 'uuid' })
  projectId: string;

  @Column({ type: 'numeric', precision: 20, scale: 0, transformer: rials })
  amountRials: bigint;

  @Column({ type: 'uuid', nullable: true })
  approvedBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity('ledger_postings')
export class LedgerPosting {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  entryId: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @Column({ type: 'uuid' })
  projectId: string;

  @Column({ type: 'numeric', precision: 20, scale: 0, transformer: rials })
  debitRials: bigint;

  @Column({ type: 'numeric', precision: 20, scale: 0, transformer: rials })
  creditRials: bigint;
}
