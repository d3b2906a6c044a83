import { EntityManager } from 'typeorm';
import { ResourceType } from './role';
import { GroupEntity } from '../../modules/group/group.entity';
import { OrganizationEntity } from '../../modules/organization/organization.entity';
import { ProjectEntity } from '../../modules/project/project.entity';

/** Where a resource sits: its organization, and its group and project where it has them. */
export interface ResourcePath {
  type: ResourceType;
  id: string;
  organizationId: string;
  groupId: string | null;
  projectId: string | null;
}

/** The path of an organization, group or project, or null when it does not exist. */
export async function resolveResourcePath(em: EntityManager, type: ResourceType, id: string): Promise<ResourcePath | null> {
  switch (type) {
    case ResourceType.ORGANIZATION: {
      const found = await em.exists(OrganizationEntity, { where: { id } });
      return found ? { type, id, organizationId: id, groupId: null, projectId: null } : null;
    }
    case ResourceType.GROUP: {
      const group = await em.findOne(GroupEntity, { where: { id }, select: { id: true, organizationId: true } });
      return group ? { type, id, organizationId: group.organizationId, groupId: id, projectId: null } : null;
    }
    case ResourceType.PROJECT: {
      const project = await em.findOne(ProjectEntity, { where: { id }, select: { id: true, groupId: true, organizationId: true } });
      return project ? { type, id, organizationId: project.organizationId, groupId: project.groupId, projectId: id } : null;
    }
  }
}

/** The (type, id) pairs whose memberships hold on a resource: itself and every ancestor. */
export function pathMembershipKeys(path: ResourcePath): Array<{ resourceType: ResourceType; resourceId: string }> {
  return [
    { resourceType: ResourceType.ORGANIZATION, resourceId: path.organizationId },
    ...(path.groupId ? [{ resourceType: ResourceType.GROUP, resourceId: path.groupId }] : []),
    ...(path.projectId ? [{ resourceType: ResourceType.PROJECT, resourceId: path.projectId }] : []),
  ];
}
