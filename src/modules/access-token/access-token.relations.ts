import { GraphQLResolveInfo } from 'graphql';
import { LoaderRegistry, RequestContext } from '../../core/context/request-context';
import { Loaded } from '../../core/database/loaders';
import { selectedFields } from '../../core/graphql/selection';
import { Edge } from '../../core/pagination/connection';
import { ResourceEntity, loadResource } from '../organization/resource.union';
import { UserEntity } from '../user/user.entity';
import { AccessTokenEntity } from './access-token.entity';

/** Who created the token, or null for none (the `createdBy` field). */
export const creatorOf = (loaders: LoaderRegistry, token: AccessTokenEntity): Loaded<UserEntity> =>
  token.createdById ? loaders.userById.peekOrLoad(token.createdById) : null;

/** The organization, group or project the token is bound to, or null for a personal token (the `resource` field). */
export const resourceOf = (loaders: LoaderRegistry, token: AccessTokenEntity): Loaded<ResourceEntity> =>
  token.resourceType && token.resourceId ? loadResource(loaders, token.resourceType, token.resourceId) : null;

/**
 * Loads what the edges of a page of tokens select beyond the token rows (owners, for `owner` and
 * `status`; creators; resources) in the batches the nodes' fields would make, but before the nodes resolve,
 * so that those fields answer at once: a field answering with a promise makes graphql-js complete
 * its node and edge asynchronously, which was half of a page's CPU. A field under `@skip` or
 * `@include` counts as selected. A failed load is not an error of the list: DataLoader forgets the
 * failed ids, and each field that reads one loads it again (and fails alone, as before).
 */
export async function withRelationsLoaded(ctx: RequestContext, info: GraphQLResolveInfo, edges: Edge<AccessTokenEntity>[]): Promise<Edge<AccessTokenEntity>[]> {
  const selected = selectedFields(info, ['node']);
  const tokens = edges.map((edge) => edge.node);
  const loads: Array<Loaded<unknown>> = [];
  if (selected.has('owner') || selected.has('status')) loads.push(...tokens.map((token) => ctx.loaders.userById.peekOrLoad(token.ownerId)));
  if (selected.has('createdBy')) loads.push(...tokens.map((token) => creatorOf(ctx.loaders, token)));
  if (selected.has('resource')) loads.push(...tokens.map((token) => resourceOf(ctx.loaders, token)));
  await Promise.allSettled(loads);
  return edges;
}
