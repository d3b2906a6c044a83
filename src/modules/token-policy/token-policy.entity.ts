import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ADDRESS_LIST_LENGTH } from '../../core/http/address-ranges';

/** An organization's rules for the access tokens of its organization, groups and projects. */
@ObjectType('TokenPolicy', { description: "An organization's rules for the access tokens of its organization, groups and projects." })
@Entity('token_policies')
export class TokenPolicyEntity {
  @Field(() => ID, { description: 'The organization the policy belongs to.' })
  @PrimaryColumn({ type: 'varchar', length: 36 })
  organizationId: string;

  @Field(() => Int, { nullable: true, description: 'Longest lifetime a token may get, in days; null for no limit.' })
  @Column({ type: 'int', nullable: true })
  maxLifetimeDays: number | null;

  @Field({ description: 'Whether every token must have an expiry date.' })
  @Column({ type: 'boolean', default: false })
  requireExpiry: boolean;

  @Field(() => Int, { nullable: true, description: 'Tokens not used for this many days (never used: since creation) are revoked by the system, for good; null: never.' })
  @Column({ type: 'int', nullable: true })
  revokeUnusedAfterDays: number | null;

  @Field(() => Int, { description: 'Longest overlap `rotateAccessToken` may give the old secret, in seconds; 0: it stops working at once.' })
  @Column({ type: 'int', default: 0 })
  maxRotationOverlapSeconds: number;

  /** Space-separated; null allows every scope the level offers. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  allowedScopeList: string | null;

  @Field({ description: 'Whether every token must carry an address allowlist (`allowedAddresses`).' })
  @Column({ type: 'boolean', default: false })
  requireAllowedAddresses: boolean;

  /** Normalised, space-separated; null puts no bound on tokens' allowlists. */
  @Column({ type: 'varchar', length: ADDRESS_LIST_LENGTH, nullable: true })
  allowedAddressRangeList: string | null;

  @Field({ description: 'When the policy was last changed.' })
  @UpdateDateColumn({ precision: 6 })
  updatedAt: Date;
}
