import { createUnionType } from 'type-graphql';
import { GroupEntity } from '../group/group.entity';
import { ProjectEntity } from '../project/project.entity';
import { OrganizationEntity } from './organization.entity';
import { ResourceType } from '../../core/authorization/role';
import type { LoaderRegistry } from '../../core/context/request-context';

export const Resource = createUnionType({
  name: 'Resource',
  description: 'An organization, group or project.',
  types: () => [OrganizationEntity, GroupEntity, ProjectEntity] as const,
  resolveType: (value) => (value instanceof ProjectEntity ? 'Project' : value instanceof GroupEntity ? 'Group' : 'Organization'),
});

/** Loads the organization, group or project a (type, id) pair names. */
export function loadResource(loaders: LoaderRegistry, type: ResourceType, id: string): Promise<OrganizationEntity | GroupEntity | ProjectEntity | null> {
  switch (type) {
    case ResourceType.ORGANIZATION:
      return loaders.organizationById.load(id);
    case ResourceType.GROUP:
      return loaders.groupById.load(id);
    case ResourceType.PROJECT:
      return loaders.projectById.load(id);
  }
}
