import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** `from → to`: the successor's money waits until the predecessor is 100% verified. */
@Entity('action_links')
export class ActionLink {
  @PrimaryColumn('uuid')
  fromItemId: string;

  @PrimaryColumn('uuid')
  toItemId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
