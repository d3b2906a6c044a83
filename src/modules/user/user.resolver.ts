import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AuditEventEntity } from '../../core/audit/audit-event.entity';
import { AuditEventConnection } from '../../core/audit/audit.types';
import { AccessTarget, Authenticated, RequireRole } from '../../core/authorization/access-directives';
import { Role } from '../../core/authorization/role';
import { LoaderRegistry, RequestContext, requireCaller } from '../../core/context/request-context';
import { Loaded } from '../../core/database/loaders';
import { ConnectionArgs, ConnectionResult, Edge } from '../../core/pagination/connection';
import { withSelectedRelationsLoaded } from '../../core/pagination/preload';
import { MembershipConnection } from '../membership/membership.types';
import { Principal, UserEntity, UserKind } from './user.entity';
import { ChangePasswordInput, CreateUserInput, UpdateUserInput, UserConnection, UserIdInput, UserPayload, UsersFilterArgs } from './user.types';
import { AuthMethod, Viewer } from './viewer.types';

@Resolver(() => Viewer)
export class ViewerResolver {
  @Authenticated()
  @Query(() => Viewer, { description: 'The caller: who it is, how it authenticated and with which scopes.' })
  viewer(@Ctx() ctx: RequestContext): Viewer {
    const caller = requireCaller(ctx);
    return {
      id: caller.user.id,
      principal: caller.user,
      user: caller.user.kind === UserKind.HUMAN ? caller.user : null,
      authMethod: caller.accessTokenId ? AuthMethod.ACCESS_TOKEN : AuthMethod.SESSION,
      scopes: caller.scopes,
    };
  }

  @FieldResolver(() => MembershipConnection, { description: "The caller's own memberships, oldest first." })
  memberships(@Ctx() ctx: RequestContext, @Args() page: ConnectionArgs) {
    return ctx.loaders.membershipPagesByUser.load({ parentId: requireCaller(ctx).user.id, page });
  }
}

@Resolver(() => UserEntity)
export class UserResolver {
  @RequireRole(Role.ADMIN, AccessTarget.PLATFORM)
  @Query(() => UserEntity, { nullable: true, description: 'One person by id (platform admins).' })
  user(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'The user id.' }) id: string): Promise<UserEntity | null> {
    return ctx.services.users.findHumanById(ctx, id);
  }

  @RequireRole(Role.ADMIN, AccessTarget.PLATFORM)
  @Query(() => UserConnection, { description: 'All people, newest first (platform admins).' })
  users(@Ctx() ctx: RequestContext, @Args() filter: UsersFilterArgs, @Args() page: ConnectionArgs) {
    return ctx.services.users.list(ctx, filter, page);
  }

  @RequireRole(Role.ADMIN, AccessTarget.PLATFORM)
  @Mutation(() => UserPayload, { description: 'Creates a person account (platform admins).' })
  async createUser(@Ctx() ctx: RequestContext, @Arg('input', () => CreateUserInput, { description: 'The new account.' }) input: CreateUserInput): Promise<UserPayload> {
    return { user: await ctx.services.users.create(ctx, input) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.PLATFORM)
  @Mutation(() => UserPayload, { description: "Changes a person's e-mail, name, validity date or platform admin rights (platform admins)." })
  async updateUser(@Ctx() ctx: RequestContext, @Arg('input', () => UpdateUserInput, { description: 'The changes.' }) input: UpdateUserInput): Promise<UserPayload> {
    return { user: await ctx.services.users.update(ctx, input) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.PLATFORM)
  @Mutation(() => UserPayload, { description: 'Deactivates an account: it cannot sign in, its sessions end and all its tokens are revoked (platform admins).' })
  async deactivateUser(@Ctx() ctx: RequestContext, @Arg('input', () => UserIdInput, { description: 'The account.' }) input: UserIdInput): Promise<UserPayload> {
    return { user: await ctx.services.users.deactivate(ctx, input.id) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.PLATFORM)
  @Mutation(() => UserPayload, { description: 'Reactivates an account; tokens revoked by its deactivation stay revoked (platform admins).' })
  async reactivateUser(@Ctx() ctx: RequestContext, @Arg('input', () => UserIdInput, { description: 'The account.' }) input: UserIdInput): Promise<UserPayload> {
    return { user: await ctx.services.users.reactivate(ctx, input.id) };
  }

  @Authenticated()
  @Mutation(() => UserPayload, { description: "Changes the caller's own password (the current one is required) and ends their other sessions." })
  async changePassword(@Ctx() ctx: RequestContext, @Arg('input', () => ChangePasswordInput, { description: 'Old and new password.' }) input: ChangePasswordInput): Promise<UserPayload> {
    return { user: await ctx.services.users.changePassword(ctx, input) };
  }
}

/** Who acted, or null when no one known did (the `actor` field). */
const actorOf = (loaders: LoaderRegistry, event: AuditEventEntity): Loaded<UserEntity> => (event.actorId ? loaders.userById.peekOrLoad(event.actorId) : null);

@Resolver(() => AuditEventEntity)
export class AuditEventActorResolver {
  @FieldResolver(() => Principal, { nullable: true, description: 'Who acted: a person or a technical user (one cache identity with `AccessToken.owner` and `createdBy`); null when anonymous or since deleted.' })
  actor(@Ctx() ctx: RequestContext, @Root() event: AuditEventEntity): Loaded<UserEntity> {
    return actorOf(ctx.loaders, event);
  }
}

/** Every page of audit events, whichever trail it comes from: the actors its nodes select are loaded first. */
@Resolver(() => AuditEventConnection)
export class AuditEventConnectionResolver {
  @FieldResolver()
  edges(@Ctx() ctx: RequestContext, @Root() page: ConnectionResult<AuditEventEntity>, @Info() info: GraphQLResolveInfo): Promise<Edge<AuditEventEntity>[]> {
    return withSelectedRelationsLoaded(info, page.edges, { actor: (event) => actorOf(ctx.loaders, event) });
  }
}
