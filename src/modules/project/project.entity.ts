import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { IdentifiedEntity, TEXT_LENGTH, idColumn } from '../../core/database/columns';
import { GroupEntity } from '../group/group.entity';

@ObjectType('Project', { description: 'A project (for example a repository or ARC) inside a group.' })
@Entity('projects')
export class ProjectEntity extends IdentifiedEntity {
  @Field(() => ID, { description: 'Stable identifier of the project.' })
  declare id: string;

  @Index('IDX_projects_group')
  @idColumn()
  groupId: string;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'groupId' })
  group?: GroupEntity;

  /** Copied from the group so a role check needs no join; a project never changes organization. */
  @Index('IDX_projects_organization')
  @idColumn()
  organizationId: string;

  @Field({ description: 'Display name.' })
  @Column({ type: 'varchar', length: TEXT_LENGTH.name })
  name: string;

  @Field({ description: 'When the project was created.' })
  @CreateDateColumn({ precision: 6 })
  createdAt: Date;

  @Field({ description: 'When the project was last changed.' })
  @UpdateDateColumn({ precision: 6 })
  updatedAt: Date;
}
