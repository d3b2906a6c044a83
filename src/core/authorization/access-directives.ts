import {
  DirectiveLocation,
  GraphQLDirective,
  GraphQLEnumType,
  GraphQLNonNull,
  GraphQLString,
} from 'graphql';
import { Directive } from 'type-graphql';
import { Role } from './role';

/** What a `@requireRole` rule checks the caller's role on; `arg` says where its id is in the arguments. */
export enum AccessTarget {
  PLATFORM = 'PLATFORM',
  ORGANIZATION = 'ORGANIZATION',
  GROUP = 'GROUP',
  PROJECT = 'PROJECT',
  MEMBERSHIP = 'MEMBERSHIP',
  ACCESS_TOKEN = 'ACCESS_TOKEN',
  WEBHOOK_ENDPOINT = 'WEBHOOK_ENDPOINT',
  RESOURCE = 'RESOURCE',
  RESOURCE_OR_SELF = 'RESOURCE_OR_SELF',
}

const AccessRoleEnum = new GraphQLEnumType({
  name: 'AccessRole',
  description: 'The least role a `@requireRole` rule demands (VIEWER < MEMBER < ADMIN).',
  values: {
    VIEWER: { description: 'Any role on the resource.' },
    MEMBER: { description: 'MEMBER or ADMIN on the resource.' },
    ADMIN: { description: 'ADMIN on the resource (for PLATFORM: a platform admin).' },
  },
});

const AccessTargetEnum = new GraphQLEnumType({
  name: 'AccessTarget',
  description: 'Where a `@requireRole` rule looks for the caller\'s role.',
  values: {
    PLATFORM: { description: 'The platform itself: only platform admins hold ADMIN there.' },
    ORGANIZATION: { description: 'The organization whose id is at `arg`.' },
    GROUP: { description: 'The group whose id is at `arg` (organization roles hold there too).' },
    PROJECT: { description: 'The project whose id is at `arg` (organization and group roles hold there too).' },
    MEMBERSHIP: { description: 'The resource of the membership whose id is at `arg`.' },
    ACCESS_TOKEN: { description: 'The resource of the access token whose id is at `arg`; for a personal token, its owner.' },
    WEBHOOK_ENDPOINT: { description: 'The organization of the webhook endpoint whose id is at `arg`; for a personal endpoint, its user.' },
    RESOURCE: { description: 'The one organization, group or project named by `organizationId`, `groupId` or `projectId` inside `arg`.' },
    RESOURCE_OR_SELF: { description: 'Like RESOURCE; when none of the three ids is given, the caller\'s own account.' },
  },
});

export const requireRoleDirective = new GraphQLDirective({
  name: 'requireRole',
  description:
    "Access rule: the caller needs at least `role` on the resource named in the arguments. Resources the caller has no role on answer NOT_FOUND; a lower role answers FORBIDDEN. Platform admins pass every rule.",
  locations: [DirectiveLocation.FIELD_DEFINITION],
  args: {
    role: { type: new GraphQLNonNull(AccessRoleEnum), description: 'The least role required.' },
    on: { type: new GraphQLNonNull(AccessTargetEnum), description: 'What the role is checked on.' },
    arg: { type: GraphQLString, description: 'Dotted path of the id (or input object) in the arguments, e.g. `input.groupId`.' },
  },
});

export const authenticatedDirective = new GraphQLDirective({
  name: 'authenticated',
  description: 'Access rule: any signed-in caller (session or access token); what it returns is scoped to that caller.',
  locations: [DirectiveLocation.FIELD_DEFINITION],
});

export const publicDirective = new GraphQLDirective({
  name: 'public',
  description: 'Access rule: anyone, signed in or not. The only opt-out from authentication.',
  locations: [DirectiveLocation.FIELD_DEFINITION],
});

export const ACCESS_DIRECTIVES = [requireRoleDirective, authenticatedDirective, publicDirective];

/** Declares a root field open to anyone. */
export const Public = (): MethodDecorator & PropertyDecorator => Directive('@public');

/** Declares a root field open to any signed-in caller. */
export const Authenticated = (): MethodDecorator & PropertyDecorator => Directive('@authenticated');

/** Declares the least role a root field demands, and where the resource's id is in its arguments. */
export const RequireRole = (role: Role, on: AccessTarget, arg?: string): MethodDecorator & PropertyDecorator =>
  Directive(`@requireRole(role: ${role}, on: ${on}${arg ? `, arg: "${arg}"` : ''})`);
