import DataLoader from 'dataloader';
import { DataSource, In } from 'typeorm';
import { byIdLoader, manyByLoader } from './core/database/loaders';
import { AccessTokenEntity } from './modules/access-token/access-token.entity';
import { GroupEntity } from './modules/group/group.entity';
import { MembershipEntity } from './modules/membership/membership.entity';
import { OrganizationEntity } from './modules/organization/organization.entity';
import { ProjectEntity } from './modules/project/project.entity';
import { UserEntity } from './modules/user/user.entity';

/** Memberships held directly on resources, keyed `TYPE:id`. */
function membershipsByResourceLoader(db: DataSource): DataLoader<string, MembershipEntity[]> {
  return new DataLoader(async (keys) => {
    const rows = await db.manager.find(MembershipEntity, {
      where: { resourceId: In(keys.map((key) => key.split(':')[1])) },
      order: { id: 'ASC' },
    });
    return keys.map((key) => rows.filter((row) => `${row.resourceType}:${row.resourceId}` === key));
  });
}

/** One DataLoader per relation, created for each request so nothing is cached across callers. */
export function createLoaders(db: DataSource) {
  return {
    userById: byIdLoader(db, UserEntity),
    organizationById: byIdLoader(db, OrganizationEntity),
    groupById: byIdLoader(db, GroupEntity),
    projectById: byIdLoader(db, ProjectEntity),
    groupsByOrganization: manyByLoader(db, GroupEntity, 'organizationId'),
    projectsByGroup: manyByLoader(db, ProjectEntity, 'groupId'),
    membershipsByUser: manyByLoader(db, MembershipEntity, 'userId'),
    membershipsByResource: membershipsByResourceLoader(db),
    accessTokenById: byIdLoader(db, AccessTokenEntity),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
