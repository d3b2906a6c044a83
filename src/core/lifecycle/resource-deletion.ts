import { EntityManager } from 'typeorm';
import { RequestContext } from '../context/request-context';
import { ResourceType } from '../authorization/role';

export interface ResourceRef {
  type: ResourceType;
  id: string;
}

/** Removes what another module keeps about resources that are being deleted, inside the deleting transaction. */
export type ResourceDeletionHook = (tx: EntityManager, ctx: RequestContext, resources: ResourceRef[]) => Promise<void>;

/**
 * Deleting an organization, group or project takes everything bound to it (memberships,
 * access tokens, technical users) in the same transaction. Modules register what they own.
 */
export class ResourceDeletion {
  private readonly hooks: ResourceDeletionHook[] = [];

  register(hook: ResourceDeletionHook): void {
    this.hooks.push(hook);
  }

  async run(tx: EntityManager, ctx: RequestContext, resources: ResourceRef[]): Promise<void> {
    for (const hook of this.hooks) await hook(tx, ctx, resources);
  }
}
