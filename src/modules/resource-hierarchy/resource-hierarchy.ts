import { EntityManager } from 'typeorm';
import { AccessTargetResolver } from '../../core/authorization/access-targets';
import { ResourcePath, groupPath, organizationPath, projectPath } from '../../core/authorization/resource-path';
import { ResourceType } from '../../core/authorization/role';
import { GroupEntity } from '../group/group.entity';
import { OrganizationEntity } from '../organization/organization.entity';
import { ProjectEntity } from '../project/project.entity';

/** The path of an organization, group or project, or null when it does not exist. */
export async function resolveResourcePath(em: EntityManager, type: ResourceType, id: string): Promise<ResourcePath | null> {
  switch (type) {
    case ResourceType.ORGANIZATION: {
      return (await em.exists(OrganizationEntity, { where: { id } })) ? organizationPath(id) : null;
    }
    case ResourceType.GROUP: {
      const group = await em.findOne(GroupEntity, { where: { id }, select: { id: true, organizationId: true } });
      return group ? groupPath(group) : null;
    }
    case ResourceType.PROJECT: {
      const project = await em.findOne(ProjectEntity, { where: { id }, select: { id: true, groupId: true, organizationId: true } });
      return project ? projectPath(project) : null;
    }
  }
}

const resourceTarget =
  (type: ResourceType, what: string): AccessTargetResolver =>
  async (em, id) => ({ kind: 'resource', path: await resolveResourcePath(em, type, id), what });

/** `@requireRole(on: ORGANIZATION | GROUP | PROJECT)` targets. */
export const RESOURCE_ACCESS_TARGETS = {
  ORGANIZATION: resourceTarget(ResourceType.ORGANIZATION, 'Organization'),
  GROUP: resourceTarget(ResourceType.GROUP, 'Group'),
  PROJECT: resourceTarget(ResourceType.PROJECT, 'Project'),
} as const;
