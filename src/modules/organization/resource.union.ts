import { createUnionType } from 'type-graphql';
import { GroupEntity } from '../group/group.entity';
import { ProjectEntity } from '../project/project.entity';
import { OrganizationEntity } from './organization.entity';
import { ResourceType } from '../../core/authorization/role';
import type { LoaderRegistry } from '../../core/context/request-context';
import type { Loaded } from '../../core/database/loaders';

export const Resource = createUnionType({
  name: 'Resource',
  description: 'An organization, group or project.',
  types: () => [OrganizationEntity, GroupEntity, ProjectEntity] as const,
  resolveType: (value) => (value instanceof ProjectEntity ? 'Project' : value instanceof GroupEntity ? 'Group' : 'Organization'),
});

export type ResourceEntity = OrganizationEntity | GroupEntity | ProjectEntity;

/** The organization, group or project a (type, id) pair names: at once when this request has loaded it, else loaded. */
export function loadResource(loaders: LoaderRegistry, type: ResourceType, id: string): Loaded<ResourceEntity> {
  switch (type) {
    case ResourceType.ORGANIZATION:
      return loaders.organizationById.peekOrLoad(id);
    case ResourceType.GROUP:
      return loaders.groupById.peekOrLoad(id);
    case ResourceType.PROJECT:
      return loaders.projectById.peekOrLoad(id);
  }
}
