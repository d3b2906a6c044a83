import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { AccessTarget, Authenticated, RequireRole } from '../../core/authorization/access-directives';
import { Role } from '../../core/authorization/role';
import { RequestContext } from '../../core/context/request-context';
import { ConnectionArgs } from '../../core/pagination/connection';
import { DeletePayload } from '../organization/organization.types';
import { OAuthClientEntity } from './oauth-client.entity';
import { OAuthClientConnection, OAuthClientPayload } from './oauth-client.types';
import { CreateOAuthClientInput, DeleteOAuthClientInput, RotateOAuthClientSecretInput, UpdateOAuthClientInput } from './dto/oauth-client.input';

@Resolver(() => OAuthClientEntity)
export class OAuthClientResolver {
  @Authenticated()
  @Query(() => OAuthClientConnection, { description: 'The registered OAuth clients, by name (the client picker of the CLIENT token dialog).' })
  oauthClients(@Ctx() ctx: RequestContext, @Args() page: ConnectionArgs) {
    return ctx.services.oauthClients.list(ctx, page);
  }

  @RequireRole(Role.ADMIN, AccessTarget.PLATFORM)
  @Mutation(() => OAuthClientPayload, { description: 'Registers an OAuth client for CLIENT tokens (platform admins); a confidential one gets its secret in `clientSecret`, shown only then.' })
  createOAuthClient(@Ctx() ctx: RequestContext, @Arg('input', () => CreateOAuthClientInput, { description: 'The client.' }) input: CreateOAuthClientInput): Promise<OAuthClientPayload> {
    return ctx.services.oauthClients.create(ctx, input);
  }

  @RequireRole(Role.ADMIN, AccessTarget.PLATFORM)
  @Mutation(() => OAuthClientPayload, { description: "Replaces a confidential client's secret (platform admins): the new one is in `clientSecret`, shown only then; the old one stops working at once." })
  rotateOAuthClientSecret(@Ctx() ctx: RequestContext, @Arg('input', () => RotateOAuthClientSecretInput, { description: 'The client.' }) input: RotateOAuthClientSecretInput): Promise<OAuthClientPayload> {
    return ctx.services.oauthClients.rotateSecret(ctx, input.id);
  }

  @RequireRole(Role.ADMIN, AccessTarget.PLATFORM)
  @Mutation(() => OAuthClientPayload, { description: "Changes an OAuth client's name, description or token lifetimes (platform admins); issued tokens keep their expiry." })
  async updateOAuthClient(@Ctx() ctx: RequestContext, @Arg('input', () => UpdateOAuthClientInput, { description: 'The changes.' }) input: UpdateOAuthClientInput): Promise<OAuthClientPayload> {
    return { oauthClient: await ctx.services.oauthClients.update(ctx, input) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.PLATFORM)
  @Mutation(() => DeletePayload, { description: 'Deletes an OAuth client (platform admins): its refresh tokens are deleted and the access tokens issued for it revoked.' })
  async deleteOAuthClient(@Ctx() ctx: RequestContext, @Arg('input', () => DeleteOAuthClientInput, { description: 'The client.' }) input: DeleteOAuthClientInput): Promise<DeletePayload> {
    await ctx.services.oauthClients.delete(ctx, input.id);
    return { deletedId: input.id };
  }
}
