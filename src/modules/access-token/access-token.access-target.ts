import { AccessTargetResolver } from '../../core/authorization/access-targets';
import { resolveResourcePath } from '../resource-hierarchy/resource-hierarchy';
import { AccessTokenEntity } from './access-token.entity';

/** `@requireRole(on: ACCESS_TOKEN)`: a resource token is checked on its resource; a personal token belongs to its owner alone. */
export const accessTokenAccessTarget: AccessTargetResolver = async (em, id) => {
  const token = await em.findOne(AccessTokenEntity, { where: { id }, select: { id: true, ownerId: true, resourceType: true, resourceId: true } });
  if (!token) return null;
  if (!token.resourceType || !token.resourceId) return { kind: 'owner', userId: token.ownerId, what: 'Access token' };
  return { kind: 'resource', path: await resolveResourcePath(em, token.resourceType, token.resourceId), what: 'Access token' };
};
