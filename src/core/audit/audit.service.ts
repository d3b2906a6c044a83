import { EntityManager } from 'typeorm';
import { AuditEventEntity, AuditOutcome } from './audit-event.entity';
import { RequestContext, requireCaller } from '../context/request-context';
import { logger } from '../logging/logger';
import { newId } from '../database/ids';
import { callerRoleOn } from '../authorization/caller-role';
import { Role, roleAtLeast } from '../authorization/role';
import { organizationPath } from '../authorization/resource-path';
import { ErrorCode, forbidden } from '../errors/app-error';
import { ConnectionArgs, paginate } from '../pagination/connection';
import { AuditEventFilterArgs } from './audit.types';

/** What an audit event needs of a request: who, from where, which request. */
export type AuditContext = Pick<RequestContext, 'caller' | 'clientAddress' | 'requestId' | 'db'>;

/** What an audit event says was acted on. Never put a secret in `detail`. */
export interface AuditEntry {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  organizationId?: string | null;
  /** The account the event concerns when another (or the system) acted; it shows in that account's own trail. */
  subjectUserId?: string | null;
  detail?: Record<string, unknown>;
}

/** Writes the audit trail: successes inside the change's transaction, refusals on their own. */
export class AuditService {
  /** Records a carried-out action in the transaction that makes the change. */
  async record(tx: EntityManager, ctx: RequestContext, entry: AuditEntry): Promise<void> {
    await tx.insert(AuditEventEntity, this.row(ctx, entry, AuditOutcome.SUCCESS, null));
  }

  /**
   * Records a refused attempt; the refusal itself must not fail because auditing did. A NOT_FOUND
   * refusal answers a target out of reach exactly like a missing one, so its event keeps the
   * target only as the caller named it: no organization, which would tell an existing foreign id
   * from a random one in the caller's own trail, and would show the outsider in that organization's.
   */
  async recordRefusal(ctx: AuditContext, entry: AuditEntry, reason: string): Promise<void> {
    const named = reason === ErrorCode.NOT_FOUND ? { ...entry, organizationId: null } : entry;
    try {
      await ctx.db.manager.insert(AuditEventEntity, this.row(ctx, named, AuditOutcome.DENIED, reason));
    } catch (error) {
      logger.error({ requestId: ctx.requestId, action: entry.action, error: String(error) }, 'audit write failed');
    }
  }

  /** An organization's events; only its ADMINs (and platform admins) may read them. */
  async listForOrganization(ctx: RequestContext, organizationId: string, filter: AuditEventFilterArgs, page: ConnectionArgs) {
    const role = await callerRoleOn(ctx, organizationPath(organizationId));
    if (!roleAtLeast(role, Role.ADMIN)) throw forbidden('Only organization ADMINs read its audit trail');
    return this.list(ctx, filter, page, { organizationId });
  }

  /**
   * What the caller did, and what others (the system) did to the caller's credentials (a token
   * revoked as leaked or unused): any account may read its own trail.
   */
  listOwn(ctx: RequestContext, filter: AuditEventFilterArgs, page: ConnectionArgs) {
    return this.list(ctx, filter, page, { accountId: requireCaller(ctx).user.id });
  }

  /** Every event (platform admins), or those of one organization or about one account (as actor or subject). */
  async list(ctx: RequestContext, filter: AuditEventFilterArgs, page: ConnectionArgs, scope: { organizationId?: string; accountId?: string } = {}) {
    const query = ctx.db.manager.createQueryBuilder(AuditEventEntity, 'event');
    if (scope.organizationId) query.andWhere('event.organizationId = :organizationId', { organizationId: scope.organizationId });
    if (scope.accountId) query.andWhere('(event.actorId = :accountId OR event.subjectUserId = :accountId)', { accountId: scope.accountId });
    if (filter.action) query.andWhere('event.action = :action', { action: filter.action });
    if (filter.outcome) query.andWhere('event.outcome = :outcome', { outcome: filter.outcome });
    if (filter.actorId) query.andWhere('event.actorId = :actorId', { actorId: filter.actorId });
    if (filter.targetId) query.andWhere('event.targetId = :targetId', { targetId: filter.targetId });
    return paginate(query, page);
  }

  private row(ctx: AuditContext, entry: AuditEntry, outcome: AuditOutcome, reason: string | null): AuditEventEntity {
    return Object.assign(new AuditEventEntity(), {
      id: newId(),
      actorId: ctx.caller?.user.id ?? null,
      actorTokenId: ctx.caller?.accessTokenId ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      organizationId: entry.organizationId ?? null,
      subjectUserId: entry.subjectUserId ?? null,
      outcome,
      reason,
      clientAddress: ctx.clientAddress,
      requestId: ctx.requestId,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    });
  }
}
