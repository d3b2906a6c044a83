import { RequestContext } from '../context/request-context';
import { ResourcePath, pathMembershipKeys } from './resource-path';
import { Role, highestRole } from './role';

/**
 * The caller's effective role on a resource (ADMIN for platform admins), computed from the
 * caller's memberships loaded once per request.
 */
export async function callerRoleOn(ctx: RequestContext, path: ResourcePath): Promise<Role | null> {
  const caller = ctx.caller;
  if (!caller) return null;
  if (caller.user.isPlatformAdmin) return Role.ADMIN;
  const memberships = await ctx.loaders.membershipsByUser.load(caller.user.id);
  const keys = pathMembershipKeys(path);
  return highestRole(
    memberships.filter((m) => keys.some((k) => k.resourceType === m.resourceType && k.resourceId === m.resourceId)).map((m) => m.role),
  );
}
