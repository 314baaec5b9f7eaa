import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type DeclarationStatus = 'pending' | 'decided' | 'superseded';

/** An owner agency's claim that an item has reached a percent, with a note and evidence. */
@Entity('progress_declarations')
export class ProgressDeclaration {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  itemId: string;

  @Column({ type: 'smallint' })
  percent: number;

  @Column()
  note: string;

  @Column({ type: 'uuid' })
  declaredBy: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  declaredAt: Date;

  @Column({ type: 'text' })
  status: DeclarationStatus;
}
