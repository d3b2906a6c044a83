import { EntityManager, In } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { callerRoleOn } from '../../core/authorization/caller-role';
import { ResourcePath, namedResource } from '../../core/authorization/resource-path';
import { resolveResourcePath } from '../resource-hierarchy/resource-hierarchy';
import { ResourceType, Role } from '../../core/authorization/role';
import { RequestContext } from '../../core/context/request-context';
import { forUpdate } from '../../core/database/transaction';
import { badInput, conflict, notFound } from '../../core/errors/app-error';
import { ResourceRef } from '../../core/lifecycle/resource-deletion';
import { UserEntity, UserKind, UserStatus } from '../user/user.entity';
import { MembershipEntity } from './membership.entity';
import { assertMayGrant, assertNotLastAdmin } from './membership.policy';
import { AddMembershipInput } from './membership.types';

/** People's roles on organizations, groups and projects. */
export class MembershipService {
  constructor(private readonly audit: AuditService) {}

  async add(ctx: RequestContext, input: AddMembershipInput): Promise<MembershipEntity> {
    // The access rule already required exactly one of the three ids.
    const resource = namedResource(input)!;
    const path = await resolveResourcePath(ctx.db.manager, resource.type, resource.id);
    if (!path) throw notFound('Resource');
    assertMayGrant(await callerRoleOn(ctx, path), input.role, 'input.role');
    return ctx.transaction(async (tx) => {
      const user = await tx.findOne(UserEntity, { where: { id: input.userId, kind: UserKind.HUMAN }, select: { id: true } });
      if (!user) throw notFound('User');
      if (await tx.exists(MembershipEntity, { where: { userId: user.id, resourceType: resource.type, resourceId: resource.id } })) {
        throw conflict('This user already has a role here; change it instead', 'input.userId');
      }
      const membership = await tx.save(
        Object.assign(new MembershipEntity(), {
          userId: user.id,
          resourceType: resource.type,
          resourceId: resource.id,
          organizationId: path.organizationId,
          role: input.role,
        }),
      );
      await this.audit.record(tx, ctx, {
        action: 'addMembership',
        targetType: 'Membership',
        targetId: membership.id,
        organizationId: path.organizationId,
        detail: { userId: user.id, resourceType: resource.type, resourceId: resource.id, role: input.role },
      });
      return membership;
    });
  }

  async changeRole(ctx: RequestContext, id: string, role: Role): Promise<MembershipEntity> {
    return ctx.transaction(async (tx) => {
      const { membership } = await this.loadManageable(tx, ctx, id, role);
      const previous = membership.role;
      if (previous === role) return membership;
      if (previous === Role.ADMIN) await this.assertOtherAdminRemains(tx, membership);
      membership.role = role;
      await tx.save(membership);
      await this.audit.record(tx, ctx, {
        action: 'updateMembership',
        targetType: 'Membership',
        targetId: id,
        organizationId: membership.organizationId,
        detail: { from: previous, to: role },
      });
      return membership;
    });
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    await ctx.transaction(async (tx) => {
      const { membership } = await this.loadManageable(tx, ctx, id, null);
      if (membership.role === Role.ADMIN) await this.assertOtherAdminRemains(tx, membership);
      await tx.delete(MembershipEntity, { id });
      await this.audit.record(tx, ctx, {
        action: 'removeMembership',
        targetType: 'Membership',
        targetId: id,
        organizationId: membership.organizationId,
        detail: { userId: membership.userId, role: membership.role },
      });
    });
  }

  /** Deletes the memberships on resources that are being deleted. */
  async deleteForResources(tx: EntityManager, resources: ResourceRef[]): Promise<void> {
    for (const type of Object.values(ResourceType)) {
      const ids = resources.filter((r) => r.type === type).map((r) => r.id);
      if (ids.length) await tx.delete(MembershipEntity, { resourceType: type, resourceId: In(ids) });
    }
  }

  /**
   * A person's membership the caller may manage: its current role and the new one must not be
   * above the caller's own. Technical users' memberships belong to their tokens.
   */
  private async loadManageable(tx: EntityManager, ctx: RequestContext, id: string, newRole: Role | null): Promise<{ membership: MembershipEntity; path: ResourcePath }> {
    const membership = await tx.findOne(MembershipEntity, { where: { id }, relations: { user: true } });
    if (!membership) throw notFound('Membership');
    if (membership.user?.kind === UserKind.TECHNICAL) {
      throw badInput('input.id', "this is an access token's technical user; revoke or delete the token instead", 'technicalUser');
    }
    const path = (await resolveResourcePath(tx, membership.resourceType, membership.resourceId))!;
    const callerRole = await callerRoleOn(ctx, path);
    assertMayGrant(callerRole, membership.role, 'input.id');
    if (newRole) assertMayGrant(callerRole, newRole, 'input.role');
    return { membership, path };
  }

  /** Demoting or removing an organization ADMIN must leave another active person as ADMIN. */
  private async assertOtherAdminRemains(tx: EntityManager, membership: MembershipEntity): Promise<void> {
    if (membership.resourceType !== ResourceType.ORGANIZATION) return;
    const others = await forUpdate(tx.createQueryBuilder(MembershipEntity, 'm'))
      .innerJoin('m.user', 'u')
      .where('m.resourceType = :type AND m.resourceId = :id AND m.role = :admin', { type: ResourceType.ORGANIZATION, id: membership.resourceId, admin: Role.ADMIN })
      .andWhere('u.kind = :human AND u.status = :active', { human: UserKind.HUMAN, active: UserStatus.ACTIVE })
      .andWhere('m.id <> :self', { self: membership.id })
      .getCount();
    assertNotLastAdmin(others);
  }
}
