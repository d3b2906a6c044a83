import { EntityManager, IsNull, LessThanOrEqual } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { hashPassword } from '../../core/auth/password';
import { Caller, RequestContext, requireCaller } from '../../core/context/request-context';
import { badInput, conflict, forbidden, notFound } from '../../core/errors/app-error';
import { ConnectionArgs, paginate } from '../../core/pagination/connection';
import { containsPattern } from '../../core/database/like';
import { forUpdate } from '../../core/database/transaction';
import { UserEntity, UserKind, UserStatus, normalizeEmail } from './user.entity';
import { ChangePasswordInput, CreateUserInput, UpdateUserInput, UsersFilterArgs } from './user.types';
import type { SessionService } from '../session/session.service';

/** Why an account's credentials end: an admin deactivated it, its validity date passed, or an operator revoked them (`tessera revoke-user-tokens`). */
export enum AccountEnd {
  DEACTIVATED = 'DEACTIVATED',
  VALIDITY_ENDED = 'VALIDITY_ENDED',
  CREDENTIALS_REVOKED = 'CREDENTIALS_REVOKED',
}

/** Hooks other modules run, in the same transaction, when an account's credentials end (e.g. revoking its tokens). */
export type AccountEndHook = (tx: EntityManager, ctx: RequestContext, user: UserEntity, end: AccountEnd) => Promise<void>;

/** Accounts ended per sweep at most; the next sweep takes the rest. */
const VALIDITY_SWEEP_BATCH = 500;

/** People's accounts: created and managed by platform admins; each user changes their own password. */
export class UserService {
  private readonly accountEndHooks: AccountEndHook[] = [];

  constructor(
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
  ) {}

  onAccountEnd(hook: AccountEndHook): void {
    this.accountEndHooks.push(hook);
  }

  async findHumanById(ctx: RequestContext, id: string): Promise<UserEntity | null> {
    return ctx.db.manager.findOne(UserEntity, { where: { id, kind: UserKind.HUMAN } });
  }

  /** A person by sign-in e-mail (any case) or id; an account of any kind by id. */
  async findByEmailOrId(ctx: RequestContext, emailOrId: string): Promise<UserEntity | null> {
    if (emailOrId.includes('@')) return ctx.db.manager.findOne(UserEntity, { where: { email: normalizeEmail(emailOrId), kind: UserKind.HUMAN } });
    return ctx.db.manager.findOne(UserEntity, { where: { id: emailOrId } });
  }

  async list(ctx: RequestContext, filter: UsersFilterArgs, page: ConnectionArgs) {
    const query = ctx.db.manager.createQueryBuilder(UserEntity, 'user').where('user.kind = :kind', { kind: UserKind.HUMAN });
    if (filter.status) query.andWhere('user.status = :status', { status: filter.status });
    if (filter.search) {
      query.andWhere("(LOWER(user.email) LIKE :search ESCAPE '!' OR LOWER(user.displayName) LIKE :search ESCAPE '!')", { search: containsPattern(filter.search) });
    }
    return paginate(query, page);
  }

  async create(ctx: RequestContext, input: CreateUserInput): Promise<UserEntity> {
    const passwordHash = await hashPassword(input.password);
    return ctx.transaction(async (tx) => {
      const email = normalizeEmail(input.email);
      await this.assertEmailFree(tx, email);
      const user = await tx.save(
        Object.assign(new UserEntity(), {
          kind: UserKind.HUMAN,
          email,
          displayName: input.displayName.trim(),
          passwordHash,
          status: UserStatus.ACTIVE,
          validUntil: input.validUntil ?? null,
          isPlatformAdmin: input.isPlatformAdmin ?? false,
        }),
      );
      await this.audit.record(tx, ctx, { action: 'createUser', targetType: 'User', targetId: user.id, detail: { isPlatformAdmin: user.isPlatformAdmin } });
      return user;
    });
  }

  async update(ctx: RequestContext, input: UpdateUserInput): Promise<UserEntity> {
    const caller = requireCaller(ctx);
    return ctx.transaction(async (tx) => {
      const user = await this.lockHuman(tx, input.id);
      const changed: string[] = [];
      if (input.email !== undefined && input.email !== null) {
        const email = normalizeEmail(input.email);
        if (email !== user.email) {
          await this.assertEmailFree(tx, email);
          user.email = email;
          changed.push('email');
        }
      }
      if (input.displayName !== undefined && input.displayName !== null) {
        user.displayName = input.displayName.trim();
        changed.push('displayName');
      }
      if (input.validUntil !== undefined) {
        // A date that has already passed ends the credentials first, so a later date revives none of them.
        await this.endValidityIfLapsed(tx, ctx, user);
        user.validUntil = input.validUntil;
        user.validityEndedAt = null;
        changed.push('validUntil');
      }
      if (input.isPlatformAdmin !== undefined && input.isPlatformAdmin !== null && input.isPlatformAdmin !== user.isPlatformAdmin) {
        if (user.id === caller.user.id) throw badInput('input.isPlatformAdmin', 'you cannot withdraw your own platform admin rights', 'notSelf');
        user.isPlatformAdmin = input.isPlatformAdmin;
        changed.push('isPlatformAdmin');
      }
      await tx.save(user);
      await this.audit.record(tx, ctx, { action: 'updateUser', targetType: 'User', targetId: user.id, detail: { changed } });
      return user;
    });
  }

  /** Deactivates an account: its credentials end (sessions, tokens, refresh tokens), in one transaction. */
  async deactivate(ctx: RequestContext, id: string): Promise<UserEntity> {
    const caller = requireCaller(ctx);
    if (id === caller.user.id) throw badInput('input.id', 'you cannot deactivate your own account', 'notSelf');
    return ctx.transaction(async (tx) => {
      const user = await this.lockHuman(tx, id);
      if (user.status === UserStatus.DEACTIVATED) return user;
      user.status = UserStatus.DEACTIVATED;
      await tx.save(user);
      await this.endCredentials(tx, ctx, user, AccountEnd.DEACTIVATED);
      await this.audit.record(tx, ctx, { action: 'deactivateUser', targetType: 'User', targetId: user.id });
      return user;
    });
  }

  /** Reactivates an account; what deactivation revoked stays revoked. */
  async reactivate(ctx: RequestContext, id: string): Promise<UserEntity> {
    return ctx.transaction(async (tx) => {
      const user = await this.lockHuman(tx, id);
      if (user.status === UserStatus.ACTIVE) return user;
      user.status = UserStatus.ACTIVE;
      await tx.save(user);
      await this.audit.record(tx, ctx, { action: 'reactivateUser', targetType: 'User', targetId: user.id });
      return user;
    });
  }

  /** Changes the caller's own password and ends their other sessions. */
  async changePassword(ctx: RequestContext, input: ChangePasswordInput): Promise<UserEntity> {
    const caller = requireSessionCaller(ctx);
    await this.sessions.verifyPasswordThrottled(ctx, caller.user, input.currentPassword, 'input.currentPassword');
    const passwordHash = await hashPassword(input.newPassword);
    return ctx.transaction(async (tx) => {
      const user = await this.lockHuman(tx, caller.user.id);
      user.passwordHash = passwordHash;
      await tx.save(user);
      await this.sessions.endAllSessions(tx, user.id, caller.sessionId);
      await this.audit.record(tx, ctx, { action: 'changePassword', targetType: 'User', targetId: user.id });
      return user;
    });
  }

  /**
   * Sets a person's password without the current one (an operator's `tessera reset-password` for a
   * locked-out admin): their sessions end.
   */
  async resetPassword(ctx: RequestContext, id: string, newPassword: string): Promise<UserEntity> {
    const passwordHash = await hashPassword(newPassword);
    return ctx.transaction(async (tx) => {
      const user = await this.lockHuman(tx, id);
      user.passwordHash = passwordHash;
      await tx.save(user);
      await this.sessions.endAllSessions(tx, user.id);
      await this.audit.record(tx, ctx, { action: 'resetPassword', targetType: 'User', targetId: user.id });
      return user;
    });
  }

  /**
   * Ends an account's credentials as deactivation does (sessions end; tokens and refresh tokens are
   * revoked for good) but keeps the account usable: it signs in again and makes new tokens.
   */
  async revokeCredentials(ctx: RequestContext, id: string): Promise<UserEntity> {
    return ctx.transaction(async (tx) => {
      const user = await forUpdate(tx.createQueryBuilder(UserEntity, 'user')).where('user.id = :id', { id }).getOne();
      if (!user) throw notFound('User');
      await this.endCredentials(tx, ctx, user, AccountEnd.CREDENTIALS_REVOKED);
      await this.audit.record(tx, ctx, { action: 'revokeUserCredentials', targetType: 'User', targetId: user.id });
      return user;
    });
  }

  /**
   * Ends the credentials of every account whose validity date has passed (DataChain: exceeding it
   * revokes all of the user's tokens, like deactivation), whether or not they are in use. Run on a
   * schedule by every instance: each account is locked and re-checked, so it is ended once.
   * Returns how many accounts were ended.
   */
  async endLapsedValidity(ctx: RequestContext): Promise<number> {
    const lapsed = await ctx.db.manager.find(UserEntity, {
      select: { id: true },
      where: { kind: UserKind.HUMAN, validUntil: LessThanOrEqual(new Date()), validityEndedAt: IsNull() },
      take: VALIDITY_SWEEP_BATCH,
    });
    let ended = 0;
    for (const { id } of lapsed) {
      if (await ctx.transaction(async (tx) => this.endValidityIfLapsed(tx, ctx, await this.lockHuman(tx, id)))) ended += 1;
    }
    return ended;
  }

  /** Ends the account's credentials once its validity date has passed; true when it did so now. */
  private async endValidityIfLapsed(tx: EntityManager, ctx: RequestContext, user: UserEntity): Promise<boolean> {
    if (!user.validUntil || user.validUntil.getTime() > Date.now() || user.validityEndedAt) return false;
    user.validityEndedAt = new Date();
    await tx.save(user);
    await this.endCredentials(tx, ctx, user, AccountEnd.VALIDITY_ENDED);
    await this.audit.record(tx, ctx, { action: 'endAccountValidity', targetType: 'User', targetId: user.id, detail: { validUntil: user.validUntil.toISOString() } });
    return true;
  }

  /** Sessions end and every hook (token and refresh-token revocation) runs, in the caller's transaction. */
  private async endCredentials(tx: EntityManager, ctx: RequestContext, user: UserEntity, end: AccountEnd): Promise<void> {
    await this.sessions.endAllSessions(tx, user.id);
    for (const hook of this.accountEndHooks) await hook(tx, ctx, user, end);
  }

  /** A person's account, row-locked until the transaction ends, so concurrent changes to it take turns. */
  private async lockHuman(tx: EntityManager, id: string): Promise<UserEntity> {
    const user = await forUpdate(tx.createQueryBuilder(UserEntity, 'user')).where('user.id = :id AND user.kind = :kind', { id, kind: UserKind.HUMAN }).getOne();
    if (!user) throw notFound('User');
    return user;
  }

  private async assertEmailFree(tx: EntityManager, email: string): Promise<void> {
    if (await tx.exists(UserEntity, { where: { email } })) throw conflict('A user with this e-mail address already exists', 'input.email');
  }
}

/** The caller, who must have signed in with a password (not an access token). */
export function requireSessionCaller(ctx: RequestContext): Caller {
  const caller = requireCaller(ctx);
  if (!caller.sessionId) throw forbidden('This needs a signed-in session, not an access token');
  return caller;
}
