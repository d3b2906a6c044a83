import { EntityManager } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { hashPassword } from '../../core/auth/password';
import { Caller, RequestContext, requireCaller } from '../../core/context/request-context';
import { badInput, conflict, forbidden, notFound } from '../../core/errors/app-error';
import { ConnectionArgs, paginate } from '../../core/pagination/connection';
import { containsPattern } from '../../core/database/like';
import { UserEntity, UserKind, UserStatus, normalizeEmail } from './user.entity';
import { ChangePasswordInput, CreateUserInput, UpdateUserInput, UsersFilterArgs } from './user.types';
import type { SessionService } from '../session/session.service';

/** Hooks other modules run when an account is deactivated (e.g. revoking its tokens). */
export type DeactivationHook = (tx: EntityManager, ctx: RequestContext, user: UserEntity) => Promise<void>;

/** People's accounts: created and managed by platform admins; each user changes their own password. */
export class UserService {
  private readonly deactivationHooks: DeactivationHook[] = [];

  constructor(
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
  ) {}

  onDeactivation(hook: DeactivationHook): void {
    this.deactivationHooks.push(hook);
  }

  async findHumanById(ctx: RequestContext, id: string): Promise<UserEntity | null> {
    return ctx.db.manager.findOne(UserEntity, { where: { id, kind: UserKind.HUMAN } });
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
        user.validUntil = input.validUntil;
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

  /** Deactivates an account: its sessions end and every hook (token revocation) runs, in one transaction. */
  async deactivate(ctx: RequestContext, id: string): Promise<UserEntity> {
    const caller = requireCaller(ctx);
    if (id === caller.user.id) throw badInput('input.id', 'you cannot deactivate your own account', 'notSelf');
    return ctx.transaction(async (tx) => {
      const user = await this.lockHuman(tx, id);
      if (user.status === UserStatus.DEACTIVATED) return user;
      user.status = UserStatus.DEACTIVATED;
      await tx.save(user);
      await this.sessions.endAllSessions(tx, user.id);
      for (const hook of this.deactivationHooks) await hook(tx, ctx, user);
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

  private async lockHuman(tx: EntityManager, id: string): Promise<UserEntity> {
    const user = await tx.findOne(UserEntity, { where: { id, kind: UserKind.HUMAN } });
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
