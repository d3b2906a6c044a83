import { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Mutation, Resolver, Root } from 'type-graphql';
import { AccessTarget, RequireRole } from '../../core/authorization/access-directives';
import { Role } from '../../core/authorization/role';
import { LoaderRegistry, RequestContext } from '../../core/context/request-context';
import { Loaded } from '../../core/database/loaders';
import { ConnectionResult, Edge } from '../../core/pagination/connection';
import { withSelectedRelationsLoaded } from '../../core/pagination/preload';
import { DeletePayload } from '../organization/organization.types';
import { Resource, ResourceEntity, loadResource } from '../organization/resource.union';
import { Principal, UserEntity } from '../user/user.entity';
import { MembershipEntity } from './membership.entity';
import { AddMembershipInput, MembershipConnection, MembershipPayload, RemoveMembershipInput, UpdateMembershipInput } from './membership.types';

/** Who holds a membership's role (the `member` field). */
const memberOf = (loaders: LoaderRegistry, membership: MembershipEntity): Loaded<UserEntity> => loaders.userById.peekOrLoad(membership.userId);
/** The organization, group or project it is held on (the `resource` field). */
const resourceOf = (loaders: LoaderRegistry, membership: MembershipEntity): Loaded<ResourceEntity> => loadResource(loaders, membership.resourceType, membership.resourceId);

@Resolver(() => MembershipEntity)
export class MembershipResolver {
  @RequireRole(Role.ADMIN, AccessTarget.RESOURCE, 'input')
  @Mutation(() => MembershipPayload, { description: "Gives a person a role on an organization, group or project (its ADMINs; never above the caller's own role)." })
  async addMembership(@Ctx() ctx: RequestContext, @Arg('input', () => AddMembershipInput, { description: 'Who, where and which role.' }) input: AddMembershipInput): Promise<MembershipPayload> {
    return { membership: await ctx.services.memberships.add(ctx, input) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.MEMBERSHIP, 'input.id')
  @Mutation(() => MembershipPayload, { description: "Changes a person's role (ADMINs of the resource; never above their own role; an organization keeps one ADMIN)." })
  async updateMembership(@Ctx() ctx: RequestContext, @Arg('input', () => UpdateMembershipInput, { description: 'The membership and its new role.' }) input: UpdateMembershipInput): Promise<MembershipPayload> {
    return { membership: await ctx.services.memberships.changeRole(ctx, input.id, input.role) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.MEMBERSHIP, 'input.id')
  @Mutation(() => DeletePayload, { description: "Removes a person's role (ADMINs of the resource; the last organization ADMIN stays)." })
  async removeMembership(@Ctx() ctx: RequestContext, @Arg('input', () => RemoveMembershipInput, { description: 'The membership.' }) input: RemoveMembershipInput): Promise<DeletePayload> {
    await ctx.services.memberships.remove(ctx, input.id);
    return { deletedId: input.id };
  }

  @FieldResolver(() => Principal, { description: 'Who holds the role: a person or a technical user.' })
  member(@Ctx() ctx: RequestContext, @Root() membership: MembershipEntity): Loaded<UserEntity> {
    return memberOf(ctx.loaders, membership);
  }

  @FieldResolver(() => Resource, { description: 'The organization, group or project the role is held on.' })
  resource(@Ctx() ctx: RequestContext, @Root() membership: MembershipEntity): Loaded<ResourceEntity> {
    return resourceOf(ctx.loaders, membership);
  }
}

/** Every page of memberships, whichever list it comes from: the members and resources its nodes select are loaded first. */
@Resolver(() => MembershipConnection)
export class MembershipConnectionResolver {
  @FieldResolver()
  edges(@Ctx() ctx: RequestContext, @Root() page: ConnectionResult<MembershipEntity>, @Info() info: GraphQLResolveInfo): Promise<Edge<MembershipEntity>[]> {
    return withSelectedRelationsLoaded(info, page.edges, { member: (membership) => memberOf(ctx.loaders, membership), resource: (membership) => resourceOf(ctx.loaders, membership) });
  }
}
