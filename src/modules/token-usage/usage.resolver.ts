import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { RequestContext, requireCaller } from '../../core/context/request-context';
import { Connection, ConnectionArgs } from '../../core/pagination/connection';
import { AccessTokenEntity } from '../access-token/access-token.entity';
import { Viewer } from '../user/viewer.types';
import { TokenUsageEntity } from './token-usage.entity';

export const TokenUsageConnection = Connection(TokenUsageEntity, 'TokenUsage', 'A page of token uses, newest first.');

@Resolver(() => AccessTokenEntity)
export class AccessTokenUsageResolver {
  @FieldResolver(() => TokenUsageConnection, {
    description: 'Every authenticated use of the token, newest first (recorded within a second or so; kept for the configured retention).',
  })
  usage(@Ctx() ctx: RequestContext, @Root() token: AccessTokenEntity, @Args() page: ConnectionArgs) {
    return ctx.services.tokenUsage.listForToken(ctx, token.id, page);
  }

  @FieldResolver(() => [String], { description: 'The last few client addresses the token was used from, newest first.' })
  lastUsedAddresses(@Root() token: AccessTokenEntity): string[] {
    return token.lastUsedAddresses ? token.lastUsedAddresses.split(' ') : [];
  }
}

@Resolver(() => Viewer)
export class ViewerAccessTokenResolver {
  @FieldResolver(() => AccessTokenEntity, { nullable: true, description: 'The access token this request authenticated with; null for a session.' })
  accessToken(@Ctx() ctx: RequestContext): Promise<AccessTokenEntity | null> {
    const tokenId = requireCaller(ctx).accessTokenId;
    return tokenId ? ctx.loaders.accessTokenById.load(tokenId) : Promise.resolve(null);
  }
}
