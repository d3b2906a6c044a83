import { EntityManager } from 'typeorm';
import { AccessTarget } from './access-directives';
import { ResourceType } from './role';
import { ResourcePath, resolveResourcePath } from './resource-path';
import { AccessTokenEntity } from '../../modules/access-token/access-token.entity';
import { MembershipEntity } from '../../modules/membership/membership.entity';

/** What a rule's id points at: a resource path to check roles on, or a user who alone may act. */
export type ResolvedTarget =
  | { kind: 'resource'; path: ResourcePath | null; what: string }
  | { kind: 'owner'; userId: string; what: string };

/** Finds the record a `@requireRole` rule names; null when it does not exist. */
export async function resolveAccessTarget(em: EntityManager, on: AccessTarget, id: string): Promise<ResolvedTarget | null> {
  switch (on) {
    case AccessTarget.ORGANIZATION:
      return { kind: 'resource', path: await resolveResourcePath(em, ResourceType.ORGANIZATION, id), what: 'Organization' };
    case AccessTarget.GROUP:
      return { kind: 'resource', path: await resolveResourcePath(em, ResourceType.GROUP, id), what: 'Group' };
    case AccessTarget.PROJECT:
      return { kind: 'resource', path: await resolveResourcePath(em, ResourceType.PROJECT, id), what: 'Project' };
    case AccessTarget.MEMBERSHIP: {
      const membership = await em.findOne(MembershipEntity, { where: { id }, select: { id: true, resourceType: true, resourceId: true } });
      if (!membership) return null;
      return { kind: 'resource', path: await resolveResourcePath(em, membership.resourceType, membership.resourceId), what: 'Membership' };
    }
    case AccessTarget.ACCESS_TOKEN: {
      const token = await em.findOne(AccessTokenEntity, { where: { id }, select: { id: true, ownerId: true, resourceType: true, resourceId: true } });
      if (!token) return null;
      if (!token.resourceType || !token.resourceId) return { kind: 'owner', userId: token.ownerId, what: 'Access token' };
      return { kind: 'resource', path: await resolveResourcePath(em, token.resourceType, token.resourceId), what: 'Access token' };
    }
    default:
      throw new Error(`resolveAccessTarget: ${on} takes no id`);
  }
}
