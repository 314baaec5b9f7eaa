import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ProjectAgencyRole = 'lead' | 'co_lead' | 'collaborating';

/** An agency's part in a project: the lead (متولی), a co-lead the source names beside it, or a collaborator (همکار). */
@Entity('project_agencies')
export class ProjectAgency {
  @PrimaryColumn('uuid')
  projectId: string;

  @PrimaryColumn('uuid')
  organizationId: string;

  @Column({ type: 'text' })
  role: ProjectAgencyRole;

  @Column({ type: 'text', nullable: true })
  noteEn: string | null;
}
