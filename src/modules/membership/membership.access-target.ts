import { AccessTargetResolver } from '../../core/authorization/access-targets';
import { resolveResourcePath } from '../resource-hierarchy/resource-hierarchy';
import { MembershipEntity } from './membership.entity';

/** `@requireRole(on: MEMBERSHIP)`: a membership is checked on the resource it grants a role on. */
export const membershipAccessTarget: AccessTargetResolver = async (em, id) => {
  const membership = await em.findOne(MembershipEntity, { where: { id }, select: { id: true, resourceType: true, resourceId: true } });
  if (!membership) return null;
  return { kind: 'resource', path: await resolveResourcePath(em, membership.resourceType, membership.resourceId), what: 'Membership' };
};
