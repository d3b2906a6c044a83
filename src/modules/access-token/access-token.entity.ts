import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdentifiedEntity, TEXT_LENGTH, idColumn, pepperIdColumn, timestampColumn } from '../../core/database/columns';
import { ADDRESS_LIST_LENGTH } from '../../core/http/address-ranges';
import { ResourceType, Role } from '../../core/authorization/role';
import { UserEntity } from '../user/user.entity';

export enum AccessTokenLevel {
  PERSONAL = 'PERSONAL',
  ORGANIZATION = 'ORGANIZATION',
  GROUP = 'GROUP',
  PROJECT = 'PROJECT',
}

export enum AccessTokenKind {
  ACCESS = 'ACCESS',
  EXPOSE = 'EXPOSE',
  CLIENT = 'CLIENT',
}

registerEnumType(AccessTokenLevel, {
  name: 'AccessTokenLevel',
  description: 'What an access token is bound to.',
  valuesConfig: {
    PERSONAL: { description: 'A user\'s own token; acts with the user\'s roles.' },
    ORGANIZATION: { description: 'An organization token, backed by a technical user with the token\'s role on the organization.' },
    GROUP: { description: 'A group token, backed by a technical user with the token\'s role on the group.' },
    PROJECT: { description: 'A project token, backed by a technical user with the token\'s role on the project.' },
  },
});

registerEnumType(AccessTokenKind, {
  name: 'AccessTokenKind',
  description: 'What an access token is for.',
  valuesConfig: {
    ACCESS: { description: 'A general API access token (DataHUB, Explorer, POD Aggregator).' },
    EXPOSE: { description: 'A personal token that exposes data through an API (DataChain "Expose").' },
    CLIENT: { description: 'A personal token for an OAuth client (DataChain "Client", e.g. PyDC), issued with a refresh token and renewed at `POST /oauth/token`.' },
  },
});

/**
 * An access token. Only the keyed hash of its secret is stored; the secret itself is returned
 * once, by the mutation that creates or rotates it. Revocation keeps the row.
 */
@ObjectType('AccessToken', { description: 'An access token: its settings and state, never its secret.' })
@Entity('access_tokens')
// Keyset pages (newest first or by name) of one owner's, one resource's or all tokens: (filter…, sort, id).
@Index('IDX_access_tokens_owner', ['ownerId', 'id'])
@Index('IDX_access_tokens_owner_name', ['ownerId', 'name', 'id'])
@Index('IDX_access_tokens_resource', ['resourceType', 'resourceId', 'id'])
@Index('IDX_access_tokens_resource_name', ['resourceType', 'resourceId', 'name', 'id'])
@Index('IDX_access_tokens_name', ['name', 'id'])
@Index('IDX_access_tokens_organization', ['organizationId', 'id'])
export class AccessTokenEntity extends IdentifiedEntity {
  @Field(() => ID, { description: 'Stable identifier; later tokens have greater ids.' })
  declare id: string;

  @Field(() => AccessTokenLevel, { description: 'What the token is bound to.' })
  @Column({ type: 'varchar', length: 16 })
  level: AccessTokenLevel;

  @Field(() => AccessTokenKind, { description: 'What the token is for.' })
  @Column({ type: 'varchar', length: 16 })
  kind: AccessTokenKind;

  @Field({ description: 'Name chosen by its creator, e.g. the machine or application using it.' })
  @Column({ type: 'varchar', length: TEXT_LENGTH.name })
  name: string;

  @Field(() => String, { nullable: true, description: 'Longer description of its purpose.' })
  @Column({ type: 'varchar', length: TEXT_LENGTH.description, nullable: true })
  description: string | null;

  /** Space-separated, like OAuth's `scope`. */
  @Column({ type: 'varchar', length: 255 })
  scopeList: string;

  @Field(() => Role, { nullable: true, description: 'The role of its technical user on the resource; null for personal tokens.' })
  @Column({ type: 'varchar', length: 16, nullable: true })
  role: Role | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  resourceType: ResourceType | null;

  @idColumn({ nullable: true })
  resourceId: string | null;

  /** The organization of the resource, for policies and inventories; null for personal tokens. */
  @idColumn({ nullable: true })
  organizationId: string | null;

  @idColumn()
  ownerId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ownerId' })
  owner?: UserEntity;

  /** Who created it; kept without a foreign key so the record outlives that account. */
  @idColumn({ nullable: true })
  createdById: string | null;

  @Index('UQ_access_tokens_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  /** The pepper `tokenHash` was made with. */
  @pepperIdColumn()
  pepperId: string;

  @Field({ description: 'Prefix and last four characters of the secret, to recognise it.' })
  @Column({ type: 'varchar', length: 32 })
  hint: string;

  @Field({ description: 'When it was created.' })
  @CreateDateColumn({ precision: 6 })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it stops working by itself; null for no expiry.' })
  @timestampColumn({ nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was revoked; null while not revoked. In the future while ROTATING: when the rotation overlap ends.' })
  @timestampColumn({ nullable: true })
  revokedAt: Date | null;

  @idColumn({ nullable: true })
  revokedById: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was revoked, e.g. `rotated` or `owner deactivated`.' })
  @Column({ type: 'varchar', length: TEXT_LENGTH.reason, nullable: true })
  revocationReason: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was last used (updated at most every few minutes).' })
  @timestampColumn({ nullable: true })
  lastUsedAt: Date | null;

  /** The last few distinct client addresses it was used from, newest first, space-separated. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  lastUsedAddresses: string | null;

  /** The client addresses and CIDR ranges it may be used from, normalised, space-separated; null for anywhere. */
  @Column({ type: 'varchar', length: ADDRESS_LIST_LENGTH, nullable: true })
  allowedAddressList: string | null;

  @idColumn({ nullable: true })
  previousTokenId: string | null;

  /** Set on a token when rotation replaced it; rotating it again is reuse. */
  @idColumn({ nullable: true })
  replacedByTokenId: string | null;
}

export const tokenScopes = (token: Pick<AccessTokenEntity, 'scopeList'>): string[] => (token.scopeList ? token.scopeList.split(' ') : []);
