import { DataSource } from 'typeorm';
import { ResourceType } from './core/authorization/role';
import { byIdLoader, manyByLoader } from './core/database/loaders';
import { childConnectionLoader } from './core/pagination/connection';
import { AccessTokenEntity } from './modules/access-token/access-token.entity';
import { GroupEntity } from './modules/group/group.entity';
import { MembershipEntity } from './modules/membership/membership.entity';
import { OrganizationEntity } from './modules/organization/organization.entity';
import { ProjectEntity } from './modules/project/project.entity';
import { UserEntity } from './modules/user/user.entity';

/** One DataLoader per relation, created for each request so nothing is cached across callers. */
export function createLoaders(db: DataSource) {
  return {
    userById: byIdLoader(db, UserEntity),
    organizationById: byIdLoader(db, OrganizationEntity),
    groupById: byIdLoader(db, GroupEntity),
    projectById: byIdLoader(db, ProjectEntity),
    membershipsByUser: manyByLoader(db, MembershipEntity, 'userId'),
    accessTokenById: byIdLoader(db, AccessTokenEntity),
    // Pages of nested lists, keyed by parent id and page arguments.
    groupPagesByOrganization: childConnectionLoader(db, GroupEntity, 'organizationId'),
    projectPagesByGroup: childConnectionLoader(db, ProjectEntity, 'groupId'),
    membershipPagesByUser: childConnectionLoader(db, MembershipEntity, 'userId'),
    membershipPagesByOrganization: childConnectionLoader(db, MembershipEntity, 'resourceId', { resourceType: ResourceType.ORGANIZATION }),
    membershipPagesByGroup: childConnectionLoader(db, MembershipEntity, 'resourceId', { resourceType: ResourceType.GROUP }),
    membershipPagesByProject: childConnectionLoader(db, MembershipEntity, 'resourceId', { resourceType: ResourceType.PROJECT }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

declare module './core/context/request-context' {
  // The loaders built above, reachable as `ctx.loaders.x` from every module (core declares the roles loader).
  interface LoaderRegistry extends Omit<Loaders, 'membershipsByUser'> {}
}
