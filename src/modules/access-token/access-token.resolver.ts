import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AccessTarget, Authenticated, RequireRole } from '../../core/authorization/access-directives';
import { Role } from '../../core/authorization/role';
import { groupPath, organizationPath, projectPath } from '../../core/authorization/resource-path';
import { SCOPES_BY_LEVEL, SCOPE_DESCRIPTIONS } from './access-token.scopes';
import { RequestContext } from '../../core/context/request-context';
import { Loaded } from '../../core/database/loaders';
import { ConnectionArgs, ConnectionResult, Edge } from '../../core/pagination/connection';
import { GroupEntity } from '../group/group.entity';
import { OrganizationEntity } from '../organization/organization.entity';
import { DeletePayload } from '../organization/organization.types';
import { Resource, ResourceEntity } from '../organization/resource.union';
import { ProjectEntity } from '../project/project.entity';
import { Principal, UserEntity } from '../user/user.entity';
import { Viewer } from '../user/viewer.types';
import { AccessTokenEntity, AccessTokenLevel, tokenScopes } from './access-token.entity';
import { creatorOf, ownerOf, resourceOf, withRelationsLoaded } from './access-token.relations';
import { AccessTokenStatus, accessTokenStatus, rotationEndOf } from './access-token.status';
import {
  AccessTokenConnection,
  AccessTokenFilterArgs,
  AccessTokenPayload,
  AccessTokenSecretPayload,
  DeleteAllAccessTokensPayload,
  ScopeDescription,
} from './access-token.types';
import { AccessTokenIdInput, DeleteAllAccessTokensInput, RevokeAccessTokenInput, RotateAccessTokenInput } from './dto/access-token-action.input';
import { CreateAccessTokenInput } from './dto/create-access-token.input';
import { UpdateAccessTokenInput } from './dto/update-access-token.input';

const statusWithOwner = (token: AccessTokenEntity, owner: UserEntity | null): AccessTokenStatus => (owner ? accessTokenStatus(token, owner) : AccessTokenStatus.OWNER_INACTIVE);

@Resolver(() => AccessTokenEntity)
export class AccessTokenResolver {
  @RequireRole(Role.ADMIN, AccessTarget.ACCESS_TOKEN, 'id')
  @Query(() => AccessTokenEntity, { description: "One access token: the caller's own personal token, or a token of a resource the caller is ADMIN of." })
  accessToken(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'The token id.' }) id: string): Promise<AccessTokenEntity> {
    return ctx.services.accessTokenQueries.get(ctx, id);
  }

  @RequireRole(Role.ADMIN, AccessTarget.PLATFORM)
  @Query(() => AccessTokenConnection, { description: 'Every access token on the platform, newest first (platform admins).' })
  accessTokens(@Ctx() ctx: RequestContext, @Args() filter: AccessTokenFilterArgs, @Args() page: ConnectionArgs) {
    return ctx.services.accessTokenQueries.listAll(ctx, filter, page);
  }

  @Authenticated()
  @Query(() => [ScopeDescription], { description: 'The scopes a token of this level may carry, with what each allows (for a create dialog).' })
  accessTokenScopes(@Arg('level', () => AccessTokenLevel, { description: 'The token level.' }) level: AccessTokenLevel): ScopeDescription[] {
    return SCOPES_BY_LEVEL[level].map((name) => ({ name, description: SCOPE_DESCRIPTIONS[name] }));
  }

  @RequireRole(Role.ADMIN, AccessTarget.RESOURCE_OR_SELF, 'input')
  @Mutation(() => AccessTokenSecretPayload, {
    description: 'Creates an access token and returns its secret, the only time it is shown. Resource tokens (ADMINs of the resource) get a technical user with the token\'s role; personal tokens act as their owner. A signed-in caller must enter their password.',
  })
  createAccessToken(@Ctx() ctx: RequestContext, @Arg('input', () => CreateAccessTokenInput, { description: 'The token.' }) input: CreateAccessTokenInput): Promise<AccessTokenSecretPayload> {
    return ctx.services.accessTokenCreation.create(ctx, input);
  }

  @RequireRole(Role.ADMIN, AccessTarget.ACCESS_TOKEN, 'input.id')
  @Mutation(() => AccessTokenPayload, { description: 'Revokes (temporarily disables) a token; it stops working at once. Revoking twice changes nothing.' })
  async revokeAccessToken(@Ctx() ctx: RequestContext, @Arg('input', () => RevokeAccessTokenInput, { description: 'The token and why.' }) input: RevokeAccessTokenInput): Promise<AccessTokenPayload> {
    return { accessToken: await ctx.services.accessTokenRevocation.revoke(ctx, input.id, input.reason ?? null) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.ACCESS_TOKEN, 'input.id')
  @Mutation(() => AccessTokenPayload, { description: 'Undoes a revoke, if the token has not expired, was not rotated, its owner is active and (CLIENT tokens) its OAuth client exists. An access token may restore only what it may rotate, and only tokens that do not outlive it.' })
  async restoreAccessToken(@Ctx() ctx: RequestContext, @Arg('input', () => AccessTokenIdInput, { description: 'The token.' }) input: AccessTokenIdInput): Promise<AccessTokenPayload> {
    return { accessToken: await ctx.services.accessTokenRevocation.restore(ctx, input.id) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.ACCESS_TOKEN, 'input.id')
  @Mutation(() => AccessTokenSecretPayload, {
    description: 'Replaces a token\'s secret: a new token with the same settings, linked to the old one, which is revoked — at once, or after `overlapSeconds` (status ROTATING until then). Rotating an already rotated token, during its overlap or after, revokes its whole chain (reuse detection). A signed-in caller must enter their password; an access token may rotate resource tokens within its limits and itself (also a personal token).',
  })
  rotateAccessToken(@Ctx() ctx: RequestContext, @Arg('input', () => RotateAccessTokenInput, { description: 'The token.' }) input: RotateAccessTokenInput): Promise<AccessTokenSecretPayload> {
    return ctx.services.accessTokenRotation.rotate(ctx, input.id, input.expiresAt, input.password, input.allowedAddresses, input.overlapSeconds ?? 0);
  }

  @RequireRole(Role.ADMIN, AccessTarget.ACCESS_TOKEN, 'input.id')
  @Mutation(() => AccessTokenPayload, {
    description: 'Edits a token in place, keeping its secret: name, description, narrower scopes, an earlier expiry, the address allowlist. Never wider scopes, a later expiry or a removed one; the organization\'s policy and an access token caller\'s own limits apply as at creation.',
  })
  async updateAccessToken(@Ctx() ctx: RequestContext, @Arg('input', () => UpdateAccessTokenInput, { description: 'The token and what changes.' }) input: UpdateAccessTokenInput): Promise<AccessTokenPayload> {
    return { accessToken: await ctx.services.accessTokenUpdate.update(ctx, input) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.ACCESS_TOKEN, 'input.id')
  @Mutation(() => DeletePayload, { description: 'Deletes a token for good, with its rotated predecessors and its technical user; the audit trail stays.' })
  async deleteAccessToken(@Ctx() ctx: RequestContext, @Arg('input', () => AccessTokenIdInput, { description: 'The token.' }) input: AccessTokenIdInput): Promise<DeletePayload> {
    await ctx.services.accessTokenDeletion.delete(ctx, input.id);
    return { deletedId: input.id };
  }

  @Authenticated()
  @Mutation(() => DeleteAllAccessTokensPayload, { description: "Deletes all of the caller's own personal tokens, optionally of one kind (signed-in sessions only)." })
  async deleteAllAccessTokens(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => DeleteAllAccessTokensInput, { nullable: true, description: 'Which kind; omit for all.' }) input?: DeleteAllAccessTokensInput,
  ): Promise<DeleteAllAccessTokensPayload> {
    return { deletedCount: await ctx.services.accessTokenDeletion.deleteAllOwn(ctx, input?.kind) };
  }

  @FieldResolver(() => [String], { description: 'What the token may do.' })
  scopes(@Root() token: AccessTokenEntity): string[] {
    return tokenScopes(token);
  }

  @FieldResolver(() => [String], { nullable: true, description: 'The client addresses and CIDR ranges it may be used from, normalised (IPv4-mapped IPv6 as IPv4); null when it may be used from anywhere.' })
  allowedAddresses(@Root() token: AccessTokenEntity): string[] | null {
    return token.allowedAddressList ? token.allowedAddressList.split(' ') : null;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'For a token replaced by rotation: when its secret stops (ROTATING) or stopped working; null otherwise.' })
  rotationEndsAt(@Root() token: AccessTokenEntity): Date | null {
    return rotationEndOf(token);
  }

  @FieldResolver(() => AccessTokenStatus, { description: 'Whether the token works now, and if not, why.' })
  status(@Ctx() ctx: RequestContext, @Root() token: AccessTokenEntity): AccessTokenStatus | Promise<AccessTokenStatus> {
    const owner = ownerOf(ctx.loaders, token);
    return owner instanceof Promise ? owner.then((loaded) => statusWithOwner(token, loaded)) : statusWithOwner(token, owner);
  }

  @FieldResolver(() => Principal, { description: 'Who the token acts as: its user, or the technical user of a resource token.' })
  owner(@Ctx() ctx: RequestContext, @Root() token: AccessTokenEntity): Loaded<UserEntity> {
    return ownerOf(ctx.loaders, token);
  }

  @FieldResolver(() => Principal, { nullable: true, description: 'Who created the token (or this rotation of it): a person, or the technical user of the resource token that minted it.' })
  createdBy(@Ctx() ctx: RequestContext, @Root() token: AccessTokenEntity): Loaded<UserEntity> {
    return creatorOf(ctx.loaders, token);
  }

  @FieldResolver(() => Resource, { nullable: true, description: 'The organization, group or project the token is bound to; null for personal tokens.' })
  resource(@Ctx() ctx: RequestContext, @Root() token: AccessTokenEntity): Loaded<ResourceEntity> {
    return resourceOf(ctx.loaders, token);
  }

  @FieldResolver(() => AccessTokenEntity, { nullable: true, description: 'The token this one replaced by rotation.' })
  previousToken(@Ctx() ctx: RequestContext, @Root() token: AccessTokenEntity): Promise<AccessTokenEntity | null> {
    return token.previousTokenId ? ctx.loaders.accessTokenById.load(token.previousTokenId) : Promise.resolve(null);
  }
}

/** The token lists on the pages that show them: the viewer's own, and each resource's. */
@Resolver(() => Viewer)
export class ViewerAccessTokensResolver {
  @FieldResolver(() => AccessTokenConnection, { description: "The caller's own personal tokens, newest first." })
  accessTokens(@Ctx() ctx: RequestContext, @Args() filter: AccessTokenFilterArgs, @Args() page: ConnectionArgs) {
    return ctx.services.accessTokenQueries.listOwn(ctx, filter, page);
  }
}

@Resolver(() => OrganizationEntity)
export class OrganizationAccessTokensResolver {
  @FieldResolver(() => AccessTokenConnection, { description: 'Tokens bound to the organization itself, newest first (its ADMINs).' })
  accessTokens(@Ctx() ctx: RequestContext, @Root() organization: OrganizationEntity, @Args() filter: AccessTokenFilterArgs, @Args() page: ConnectionArgs) {
    return ctx.services.accessTokenQueries.listForResource(ctx, organizationPath(organization.id), filter, page);
  }
}

@Resolver(() => GroupEntity)
export class GroupAccessTokensResolver {
  @FieldResolver(() => AccessTokenConnection, { description: 'Tokens bound to the group, newest first (its ADMINs).' })
  accessTokens(@Ctx() ctx: RequestContext, @Root() group: GroupEntity, @Args() filter: AccessTokenFilterArgs, @Args() page: ConnectionArgs) {
    return ctx.services.accessTokenQueries.listForResource(ctx, groupPath(group), filter, page);
  }
}

@Resolver(() => ProjectEntity)
export class ProjectAccessTokensResolver {
  @FieldResolver(() => AccessTokenConnection, { description: 'Tokens bound to the project, newest first (its ADMINs).' })
  accessTokens(@Ctx() ctx: RequestContext, @Root() project: ProjectEntity, @Args() filter: AccessTokenFilterArgs, @Args() page: ConnectionArgs) {
    return ctx.services.accessTokenQueries.listForResource(ctx, projectPath(project), filter, page);
  }
}

/** Every page of tokens, whichever list it comes from: what its nodes select beyond the token rows is loaded first. */
@Resolver(() => AccessTokenConnection)
export class AccessTokenConnectionResolver {
  @FieldResolver()
  edges(@Ctx() ctx: RequestContext, @Root() page: ConnectionResult<AccessTokenEntity>, @Info() info: GraphQLResolveInfo): Promise<Edge<AccessTokenEntity>[]> {
    return withRelationsLoaded(ctx, info, page.edges);
  }
}
