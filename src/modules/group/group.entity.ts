import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { IdentifiedEntity, TEXT_LENGTH, idColumn } from '../../core/database/columns';
import { OrganizationEntity } from '../organization/organization.entity';

// `groups` is a reserved word in MySQL 8.
@ObjectType('Group', { description: 'A group of projects inside an organization.' })
@Entity('resource_groups')
export class GroupEntity extends IdentifiedEntity {
  @Field(() => ID, { description: 'Stable identifier of the group.' })
  declare id: string;

  @Index('IDX_groups_organization')
  @idColumn()
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  @Field({ description: 'Display name.' })
  @Column({ type: 'varchar', length: TEXT_LENGTH.name })
  name: string;

  @Field({ description: 'When the group was created.' })
  @CreateDateColumn({ precision: 6 })
  createdAt: Date;

  @Field({ description: 'When the group was last changed.' })
  @UpdateDateColumn({ precision: 6 })
  updatedAt: Date;
}
