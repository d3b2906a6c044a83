import { GraphQLResolveInfo } from 'graphql';
import { LoaderRegistry, RequestContext } from '../../core/context/request-context';
import { Loaded } from '../../core/database/loaders';
import { Edge } from '../../core/pagination/connection';
import { withSelectedRelationsLoaded } from '../../core/pagination/preload';
import { ResourceEntity, loadResource } from '../organization/resource.union';
import { UserEntity } from '../user/user.entity';
import { AccessTokenEntity } from './access-token.entity';

/** Who the token acts as (the `owner` field; `status` reads it too). */
export const ownerOf = (loaders: LoaderRegistry, token: AccessTokenEntity): Loaded<UserEntity> => loaders.userById.peekOrLoad(token.ownerId);

/** Who created the token, or null for none (the `createdBy` field). */
export const creatorOf = (loaders: LoaderRegistry, token: AccessTokenEntity): Loaded<UserEntity> =>
  token.createdById ? loaders.userById.peekOrLoad(token.createdById) : null;

/** The organization, group or project the token is bound to, or null for a personal token (the `resource` field). */
export const resourceOf = (loaders: LoaderRegistry, token: AccessTokenEntity): Loaded<ResourceEntity> =>
  token.resourceType && token.resourceId ? loadResource(loaders, token.resourceType, token.resourceId) : null;

/** A page of tokens with the owners (for `owner` and `status`), creators and resources its nodes select loaded first (see `withSelectedRelationsLoaded`). */
export function withRelationsLoaded(ctx: RequestContext, info: GraphQLResolveInfo, edges: Edge<AccessTokenEntity>[]): Promise<Edge<AccessTokenEntity>[]> {
  const owner = (token: AccessTokenEntity) => ownerOf(ctx.loaders, token);
  return withSelectedRelationsLoaded(info, edges, { owner, status: owner, createdBy: (token) => creatorOf(ctx.loaders, token), resource: (token) => resourceOf(ctx.loaders, token) });
}
