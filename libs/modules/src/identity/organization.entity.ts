import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An agency, ministry or other body. Committee member organizations may supply verifiers. */
@Entity('organizations')
export class Organization {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  code: string;

  @Column()
  nameFa: string;

  @Column()
  nameEn: string;

  /** The body this one belongs to (e.g. ITO under the Ministry of ICT); used for conflicts of interest. */
  @Column({ type: 'uuid', nullable: true })
  parentId: string | null;

  @Column()
  committeeMember: boolean;

  @Column()
  synthetic: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
