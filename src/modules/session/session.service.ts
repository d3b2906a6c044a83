import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { LoginThrottle } from '../../core/auth/login-throttle';
import { verifyPassword } from '../../core/auth/password';
import { AppConfig } from '../../core/config/config';
import { Caller, RequestContext, requireCaller } from '../../core/context/request-context';
import { AppError, ErrorCode, badInput, forbidden } from '../../core/errors/app-error';
import { PepperRing } from '../../core/secrets/pepper';
import { SECRET_PREFIXES, generateSecret } from '../../core/secrets/secret-format';
import { UserEntity, UserKind, isUserUsable, normalizeEmail } from '../user/user.entity';
import { SessionEntity } from './session.entity';
import { LoginInput } from './session.types';

export interface LoginResult {
  sessionToken: string;
  expiresAt: Date;
  user: UserEntity;
}

const INVALID_CREDENTIALS = 'Invalid e-mail or password';

/** Sign-in sessions: password login with throttling, bearer session tokens, logout. */
export class SessionService {
  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly peppers: PepperRing,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
  ) {}

  /** Checks e-mail and password; unknown e-mail, wrong password and unusable account answer alike. */
  async login(ctx: RequestContext, input: LoginInput): Promise<LoginResult> {
    const email = normalizeEmail(input.email);
    await this.throttle.assertAllowed(email, ctx.clientAddress);
    const user = await ctx.db.manager.findOne(UserEntity, { where: { email, kind: UserKind.HUMAN } });
    const passwordMatches = await verifyPassword(user?.passwordHash, input.password);
    if (!user || !passwordMatches || !isUserUsable(user)) {
      await this.throttle.recordFailure(email, ctx.clientAddress);
      throw new AppError(ErrorCode.UNAUTHENTICATED, INVALID_CREDENTIALS);
    }
    await this.throttle.recordSuccess(email);
    const sessionToken = generateSecret(SECRET_PREFIXES.session);
    const expiresAt = new Date(Date.now() + this.config.sessionTtlSeconds * 1000);
    await ctx.transaction(async (tx) => {
      const session = await tx.save(
        Object.assign(new SessionEntity(), {
          userId: user.id,
          tokenHash: this.peppers.digest(sessionToken),
          pepperId: this.peppers.current.id,
          expiresAt,
          endedAt: null,
          clientAddress: ctx.clientAddress,
        }),
      );
      ctx.caller = { user, sessionId: session.id, accessTokenId: null, scopes: null };
      await this.audit.record(tx, ctx, { action: 'login', targetType: 'Session', targetId: session.id });
    });
    return { sessionToken, expiresAt, user };
  }

  /** Ends the caller's current session. */
  async logout(ctx: RequestContext): Promise<void> {
    const caller = requireCaller(ctx);
    if (!caller.sessionId) throw forbidden('Only a session signs out; revoke an access token instead');
    await ctx.transaction(async (tx) => {
      await tx.update(SessionEntity, { id: caller.sessionId!, endedAt: IsNull() }, { endedAt: new Date() });
      await this.audit.record(tx, ctx, { action: 'logout', targetType: 'Session', targetId: caller.sessionId });
    });
  }

  /** The caller a session token stands for, or null when it is unknown, ended, expired or its user unusable. */
  async authenticate(secret: string): Promise<Caller | null> {
    const match = await this.peppers.find(secret, (tokenHash) => this.db.manager.findOne(SessionEntity, { where: { tokenHash }, relations: { user: true } }));
    const session = match?.record;
    if (!session?.user || session.endedAt || session.expiresAt.getTime() <= Date.now() || !isUserUsable(session.user)) return null;
    this.peppers.redigestLater(secret, match!, (tokenHash, pepperId) => this.db.manager.update(SessionEntity, { id: session.id, tokenHash: session.tokenHash }, { tokenHash, pepperId }));
    return { user: session.user, sessionId: session.id, accessTokenId: null, scopes: null };
  }

  /**
   * Re-checks the caller's password (password change, token creation) under the sign-in throttle:
   * a wrong password counts as a failed sign-in and answers BAD_USER_INPUT on `field`.
   */
  async verifyPasswordThrottled(ctx: RequestContext, user: UserEntity, password: string, field: string): Promise<void> {
    const account = user.email ?? user.id;
    await this.throttle.assertAllowed(account, ctx.clientAddress);
    const fresh = await ctx.db.manager.findOne(UserEntity, { where: { id: user.id }, select: { id: true, passwordHash: true } });
    if (!(await verifyPassword(fresh?.passwordHash, password))) {
      await this.throttle.recordFailure(account, ctx.clientAddress);
      throw badInput(field, 'is not your current password', 'currentPassword');
    }
  }

  /** Deletes the sessions that can no longer be used (expired or ended); returns how many. */
  async pruneUnusable(manager: EntityManager): Promise<number> {
    const result = await manager
      .createQueryBuilder()
      .delete()
      .from(SessionEntity)
      .where('expiresAt <= :now OR endedAt IS NOT NULL', { now: new Date() })
      .execute();
    return result.affected ?? 0;
  }

  /** Ends every open session of a user, except `keepSessionId`. */
  async endAllSessions(tx: EntityManager, userId: string, keepSessionId?: string | null): Promise<void> {
    const query = tx
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ endedAt: new Date() })
      .where('userId = :userId AND endedAt IS NULL', { userId });
    if (keepSessionId) query.andWhere('id <> :keepSessionId', { keepSessionId });
    await query.execute();
  }

}
