import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { IdentifiedEntity, idColumn } from '../../core/database/columns';
import { ResourceType, Role } from '../../core/authorization/role';
import { UserEntity } from '../user/user.entity';

/** A user's (or technical user's) role on one organization, group or project. */
@ObjectType('Membership', { description: "A user's role on one organization, group or project." })
@Entity('memberships')
@Index('UQ_memberships_user_resource', ['userId', 'resourceType', 'resourceId'], { unique: true })
@Index('IDX_memberships_resource', ['resourceType', 'resourceId'])
export class MembershipEntity extends IdentifiedEntity {
  @Field(() => ID, { description: 'Stable identifier of the membership.' })
  declare id: string;

  @idColumn()
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: UserEntity;

  @Field(() => ResourceType, { description: 'The kind of resource the role is held on.' })
  @Column({ type: 'varchar', length: 16 })
  resourceType: ResourceType;

  @Field(() => ID, { description: 'The organization, group or project the role is held on.' })
  @idColumn()
  resourceId: string;

  /** The organization the resource belongs to, so an organization's members and deletes need no joins. */
  @Index('IDX_memberships_organization')
  @idColumn()
  organizationId: string;

  @Field(() => Role, { description: 'The role held on the resource (and everything below it).' })
  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Field({ description: 'When the membership was created.' })
  @CreateDateColumn({ precision: 6 })
  createdAt: Date;

  @Field({ description: 'When the role was last changed.' })
  @UpdateDateColumn({ precision: 6 })
  updatedAt: Date;
}
