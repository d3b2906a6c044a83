import { EntityManager } from 'typeorm';
import { AccessTarget } from './access-directives';
import { ResourcePath } from './resource-path';

/** What a rule's id points at: a resource path to check roles on, or a user who alone may act. */
export type ResolvedTarget =
  | { kind: 'resource'; path: ResourcePath | null; what: string }
  | { kind: 'owner'; userId: string; what: string };

/** Finds the record an id names for one kind of `@requireRole` target; null when it does not exist. */
export type AccessTargetResolver = (em: EntityManager, id: string) => Promise<ResolvedTarget | null>;

/**
 * The targets `@requireRole` can name by id, each resolved by the module that owns the record
 * (organizations, groups, projects, memberships, access tokens). The composition root hands them
 * to `enforceAccessRules`; core knows none of those records.
 */
export type AccessTargetResolvers = Record<Exclude<AccessTarget, AccessTarget.PLATFORM | AccessTarget.RESOURCE | AccessTarget.RESOURCE_OR_SELF>, AccessTargetResolver>;
