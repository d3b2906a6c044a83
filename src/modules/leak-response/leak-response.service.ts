import { In, IsNull } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { RequestContext } from '../../core/context/request-context';
import { forUpdate } from '../../core/database/transaction';
import { PepperRing } from '../../core/secrets/pepper';
import { SECRET_PREFIXES, SecretPrefix, hashSecret, parseSecret } from '../../core/secrets/secret-format';
import { AccessTokenEntity, AccessTokenKind } from '../access-token/access-token.entity';
import { TokenEventType } from '../access-token/access-token.events';
import { ACCESS_TOKEN_PREFIXES } from '../access-token/access-token.issuer';
import { holderOf } from '../access-token/access-token.records';
import { REVOKED_AS_LEAKED } from '../access-token/access-token.status';
import { RevokeAccessTokenService } from '../access-token/services/revoke-access-token.service';
import { OAuthClientEntity } from '../oauth-client/oauth-client.entity';
import { RefreshTokenEntity } from '../refresh-token/refresh-token.entity';
import { RefreshTokenService } from '../refresh-token/refresh-token.service';
import { SessionEntity } from '../session/session.entity';

/** The audit action of every credential revoked because its secret was reported leaked. */
export const REPORT_LEAKED_TOKEN = 'reportLeakedToken';

/**
 * Leak response (GitHub's `POST /credentials/revoke`): anyone who found Tessera secrets reports
 * them, and every one that exists stops working for good. Access tokens are revoked as LEAKED (a
 * CLIENT token with its refresh-token family), a refresh token's family is revoked, a session ends.
 * An OAuth client's secret is not disabled (that would break every user of the add-on): the report
 * is audited for platform admins, who rotate it. Each change is audited as the system, with the
 * reporter's address, and shows in the trail of the person who holds the credential.
 */
export class LeakResponseService {
  constructor(
    private readonly peppers: PepperRing,
    private readonly audit: AuditService,
    private readonly revocation: RevokeAccessTokenService,
    private readonly refreshTokens: RefreshTokenService,
  ) {}

  /**
   * Revokes whatever of these values is a live credential; says nothing about which were. Values
   * that are not well-formed Tessera secrets (wrong shape, unknown prefix, bad checksum) cost no
   * database query; the others one lookup per kind of credential, then one transaction per hit.
   */
  async report(ctx: RequestContext, values: string[]): Promise<void> {
    const hashesByKind = new Map<SecretPrefix | 'access', string[]>();
    for (const value of new Set(values)) {
      const prefix = parseSecret(value);
      if (!prefix) continue;
      const kind = ACCESS_TOKEN_PREFIXES.includes(prefix) ? 'access' : prefix;
      // Under every pepper of the ring: a secret made before a pepper rotation is found too, in the same one query per kind.
      hashesByKind.set(kind, [...(hashesByKind.get(kind) ?? []), ...this.peppers.peppers.map((pepper) => hashSecret(value, pepper.secret))]);
    }
    const hashes = (kind: SecretPrefix | 'access') => hashesByKind.get(kind) ?? [];
    const em = ctx.db.manager;
    const accessTokens = hashes('access').length ? await em.find(AccessTokenEntity, { select: { id: true }, where: { tokenHash: In(hashes('access')) } }) : [];
    const refreshTokens = hashes(SECRET_PREFIXES.refreshToken).length ? await em.find(RefreshTokenEntity, { select: { id: true }, where: { tokenHash: In(hashes(SECRET_PREFIXES.refreshToken)) } }) : [];
    const sessions = hashes(SECRET_PREFIXES.session).length ? await em.find(SessionEntity, { select: { id: true }, where: { tokenHash: In(hashes(SECRET_PREFIXES.session)), endedAt: IsNull() } }) : [];
    const clients = hashes(SECRET_PREFIXES.oauthClientSecret).length ? await em.find(OAuthClientEntity, { select: { id: true }, where: { secretHash: In(hashes(SECRET_PREFIXES.oauthClientSecret)) } }) : [];
    for (const { id } of accessTokens) await this.revokeAccessToken(ctx, id);
    for (const { id } of refreshTokens) await this.revokeRefreshFamily(ctx, id);
    for (const { id } of sessions) await this.endSession(ctx, id);
    for (const { id } of clients) {
      await ctx.transaction((tx) => this.audit.record(tx, ctx, { action: 'reportLeakedClientSecret', targetType: 'OAuthClient', targetId: id }));
    }
  }

  private async revokeAccessToken(ctx: RequestContext, id: string): Promise<void> {
    await ctx.transaction(async (tx) => {
      const token = await forUpdate(tx.createQueryBuilder(AccessTokenEntity, 'token')).where('token.id = :id', { id }).getOne();
      if (!token || !(await this.revocation.markLeaked(tx, token))) return;
      let revokedWithIt = 0;
      if (token.kind === AccessTokenKind.CLIENT) {
        const families = await tx.find(RefreshTokenEntity, { select: { familyId: true }, where: { accessTokenId: token.id } });
        for (const familyId of new Set(families.map((f) => f.familyId))) revokedWithIt += await this.refreshTokens.revokeFamily(tx, ctx, familyId, REVOKED_AS_LEAKED);
      }
      await this.audit.record(tx, ctx, {
        action: REPORT_LEAKED_TOKEN,
        targetType: 'AccessToken',
        targetId: token.id,
        organizationId: token.organizationId,
        subjectUserId: holderOf(token),
        detail: { hint: token.hint, level: token.level, kind: token.kind, ...(token.kind === AccessTokenKind.CLIENT ? { revokedAccessTokens: revokedWithIt } : {}) },
      });
      await ctx.services.tokenEvents.publish(tx, { type: TokenEventType.LEAKED, tokenIds: [token.id] });
    });
  }

  private async revokeRefreshFamily(ctx: RequestContext, id: string): Promise<void> {
    await ctx.transaction(async (tx) => {
      const refresh = await forUpdate(tx.createQueryBuilder(RefreshTokenEntity, 'refresh')).where('refresh.id = :id', { id }).getOne();
      // A family that is already dead (revoked, or leaked before) changes no more.
      if (!refresh || !(await tx.exists(RefreshTokenEntity, { where: { familyId: refresh.familyId, revokedAt: IsNull() } }))) return;
      const revoked = await this.refreshTokens.revokeFamily(tx, ctx, refresh.familyId, REVOKED_AS_LEAKED);
      await this.audit.record(tx, ctx, {
        action: REPORT_LEAKED_TOKEN,
        targetType: 'RefreshToken',
        targetId: refresh.id,
        subjectUserId: refresh.ownerId,
        detail: { hint: refresh.hint, accessTokenId: refresh.accessTokenId, revokedAccessTokens: revoked },
      });
    });
  }

  private async endSession(ctx: RequestContext, id: string): Promise<void> {
    await ctx.transaction(async (tx) => {
      const ended = await tx.update(SessionEntity, { id, endedAt: IsNull() }, { endedAt: new Date() });
      if (!ended.affected) return;
      const { userId } = await tx.findOneOrFail(SessionEntity, { select: { userId: true }, where: { id } });
      await this.audit.record(tx, ctx, { action: REPORT_LEAKED_TOKEN, targetType: 'Session', targetId: id, subjectUserId: userId });
    });
  }
}
