import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, UpdateDateColumn } from 'typeorm';
import { IdentifiedEntity, TEXT_LENGTH } from '../../core/database/columns';

@ObjectType('Organization', { description: 'The top of the resource hierarchy: it holds groups, which hold projects.' })
@Entity('organizations')
export class OrganizationEntity extends IdentifiedEntity {
  @Field(() => ID, { description: 'Stable identifier of the organization.' })
  declare id: string;

  @Field({ description: 'Display name.' })
  @Column({ type: 'varchar', length: TEXT_LENGTH.name })
  name: string;

  @Field({ description: 'When the organization was created.' })
  @CreateDateColumn({ precision: 6 })
  createdAt: Date;

  @Field({ description: 'When the organization was last changed.' })
  @UpdateDateColumn({ precision: 6 })
  updatedAt: Date;
}
