import { registerEnumType } from 'type-graphql';

/** A role on an organization, group or project; ordered VIEWER < MEMBER < ADMIN. */
export enum Role {
  VIEWER = 'VIEWER',
  MEMBER = 'MEMBER',
  ADMIN = 'ADMIN',
}

const RANK: Record<Role, number> = { [Role.VIEWER]: 1, [Role.MEMBER]: 2, [Role.ADMIN]: 3 };

export const roleRank = (role: Role | null | undefined): number => (role ? RANK[role] : 0);

export const roleAtLeast = (role: Role | null | undefined, required: Role): boolean => roleRank(role) >= RANK[required];

export const highestRole = (roles: Iterable<Role>): Role | null => {
  let best: Role | null = null;
  for (const role of roles) if (roleRank(role) > roleRank(best)) best = role;
  return best;
};

registerEnumType(Role, {
  name: 'Role',
  description: 'A role on an organization, group or project. Roles are ordered VIEWER < MEMBER < ADMIN and hold on everything below the resource.',
  valuesConfig: {
    VIEWER: { description: 'May read the resource and what is under it.' },
    MEMBER: { description: 'May work with the resource (the role of ordinary users).' },
    ADMIN: { description: 'May manage the resource: its members, children and access tokens.' },
  },
});

/** The kinds of resource a role is held on. */
export enum ResourceType {
  ORGANIZATION = 'ORGANIZATION',
  GROUP = 'GROUP',
  PROJECT = 'PROJECT',
}

registerEnumType(ResourceType, {
  name: 'ResourceType',
  description: 'The kind of resource a membership or access token is bound to.',
  valuesConfig: {
    ORGANIZATION: { description: 'An organization, the top of the hierarchy.' },
    GROUP: { description: 'A group inside an organization.' },
    PROJECT: { description: 'A project inside a group.' },
  },
});
