import { Field, ID, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn } from 'typeorm';
import { IdentifiedEntity, TEXT_LENGTH, timestampColumn } from '../../core/database/columns';

/** A person who signs in, or a technical user created for one resource access token. */
export enum UserKind {
  HUMAN = 'HUMAN',
  TECHNICAL = 'TECHNICAL',
}

export enum UserStatus {
  ACTIVE = 'ACTIVE',
  DEACTIVATED = 'DEACTIVATED',
}

registerEnumType(UserStatus, {
  name: 'UserStatus',
  description: 'Whether a user account may be used.',
  valuesConfig: {
    ACTIVE: { description: 'The account may sign in and its tokens work (until `validUntil`, if set).' },
    DEACTIVATED: { description: 'Deactivated by a platform admin: no sign-in, every session and token refused.' },
  },
});

/**
 * Whoever acts or holds a role, wherever it appears (token owner and creator, member, audit actor,
 * viewer): one principal is always the same concrete type, so a client cache keeps one record of it.
 */
@InterfaceType('Principal', {
  description: 'Who acts, holds a role or owns a token: a person (`User`) or a technical user (`TechnicalUser`).',
  resolveType: (value: { kind?: UserKind }) => (value.kind === UserKind.TECHNICAL ? 'TechnicalUser' : 'User'),
})
export abstract class Principal {
  @Field(() => ID, { description: 'Stable identifier of the user or technical user.' })
  id: string;

  @Field({ description: 'Name shown to other users.' })
  displayName: string;
}

/**
 * One table for people and technical users (GitLab's bot users): memberships and token owners
 * point at a single kind of row. GraphQL shows them as `User` and `TechnicalUser`.
 */
@ObjectType('User', { implements: Principal, description: 'A person with an account on the platform.' })
@Entity('users')
export class UserEntity extends IdentifiedEntity {
  @Field(() => ID, { description: 'Stable identifier of the user.' })
  declare id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: UserKind;

  @Field(() => String, { nullable: true, description: 'Sign-in e-mail address (unique); null for technical users.' })
  @Index('UQ_users_email', { unique: true })
  @Column({ type: 'varchar', length: TEXT_LENGTH.email, nullable: true })
  email: string | null;

  @Field({ description: 'Name shown to other users.' })
  @Column({ type: 'varchar', length: TEXT_LENGTH.name })
  displayName: string;

  /** argon2id PHC string; never exposed. Null for technical users, who cannot sign in. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  passwordHash: string | null;

  @Field(() => UserStatus, { description: 'Whether the account is active or deactivated.' })
  @Column({ type: 'varchar', length: 16, default: UserStatus.ACTIVE })
  status: UserStatus;

  @Field(() => Date, { nullable: true, description: 'After this instant the account can no longer sign in and its tokens stop working.' })
  @timestampColumn({ nullable: true })
  validUntil: Date | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the system ended the account\'s credentials because `validUntil` had passed: its tokens, refresh tokens and sessions were revoked then, and a later `validUntil` restores none of them.',
  })
  @timestampColumn({ nullable: true })
  validityEndedAt: Date | null;

  @Field({ description: 'Platform admins may do everything.' })
  @Column({ type: 'boolean', default: false })
  isPlatformAdmin: boolean;

  @Field({ description: 'When the account was created.' })
  @CreateDateColumn({ precision: 6 })
  createdAt: Date;

  @Field({ description: 'When the account was last changed.' })
  @UpdateDateColumn({ precision: 6 })
  updatedAt: Date;
}

/** Whether the account may act now: active and within its validity date. */
/** E-mail addresses are kept and compared trimmed and in lower case. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function isUserUsable(user: Pick<UserEntity, 'status' | 'validUntil'>, now = new Date()): boolean {
  return user.status === UserStatus.ACTIVE && (user.validUntil === null || user.validUntil.getTime() > now.getTime());
}
