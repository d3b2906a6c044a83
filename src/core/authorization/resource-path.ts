import { ResourceType } from './role';
import { badInput } from '../errors/app-error';

/** Where a resource sits: its organization, and its group and project where it has them. */
export interface ResourcePath {
  type: ResourceType;
  id: string;
  organizationId: string;
  groupId: string | null;
  projectId: string | null;
}

export const organizationPath = (organizationId: string): ResourcePath => ({
  type: ResourceType.ORGANIZATION,
  id: organizationId,
  organizationId,
  groupId: null,
  projectId: null,
});

export const groupPath = (group: { id: string; organizationId: string }): ResourcePath => ({
  type: ResourceType.GROUP,
  id: group.id,
  organizationId: group.organizationId,
  groupId: group.id,
  projectId: null,
});

export const projectPath = (project: { id: string; groupId: string; organizationId: string }): ResourcePath => ({
  type: ResourceType.PROJECT,
  id: project.id,
  organizationId: project.organizationId,
  groupId: project.groupId,
  projectId: project.id,
});

const RESOURCE_ID_FIELDS = [
  ['organizationId', ResourceType.ORGANIZATION],
  ['groupId', ResourceType.GROUP],
  ['projectId', ResourceType.PROJECT],
] as const;

/**
 * The one organization, group or project an input names by `organizationId`, `groupId` or
 * `projectId`, or null when it names none; naming two is BAD_USER_INPUT on the second (`path` is
 * where the input sits in the arguments).
 */
export function namedResource(input: unknown, path = 'input'): { type: ResourceType; id: string } | null {
  const object = (input ?? {}) as Record<string, unknown>;
  const named = RESOURCE_ID_FIELDS.filter(([field]) => object[field] !== undefined && object[field] !== null);
  if (named.length > 1) {
    throw badInput(`${path}.${named[1][0]}`, 'give only one of organizationId, groupId and projectId', 'exactlyOneResource');
  }
  return named.length ? { type: named[0][1], id: String(object[named[0][0]]) } : null;
}

/** The (type, id) pairs whose memberships hold on a resource: itself and every ancestor. */
export function pathMembershipKeys(path: ResourcePath): Array<{ resourceType: ResourceType; resourceId: string }> {
  return [
    { resourceType: ResourceType.ORGANIZATION, resourceId: path.organizationId },
    ...(path.groupId ? [{ resourceType: ResourceType.GROUP, resourceId: path.groupId }] : []),
    ...(path.projectId ? [{ resourceType: ResourceType.PROJECT, resourceId: path.projectId }] : []),
  ];
}
