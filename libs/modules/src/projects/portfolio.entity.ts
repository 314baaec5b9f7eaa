import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A named set of projects approved together (e.g. the 23 priority e-government projects). */
@Entity('portfolios')
export class Portfolio {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  code: string;

  @Column()
  nameFa: string;

  @Column()
  nameEn: string;

  @Column({ type: 'text', nullable: true })
  approvedByFa: string | null;

  @Column({ type: 'text', nullable: true })
  approvedOnJalali: string | null;

  @Column({ type: 'text', nullable: true })
  noteEn: string | null;

  /** Finding 11: too many "priority" projects; a portfolio may cap its size. */
  @Column({ type: 'integer', nullable: true })
  maxProjects: number | null;

  @Column()
  synthetic: boolean;

  /** Facts from the source document that have no column of their own. */
  @Column({ type: 'jsonb' })
  source: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
