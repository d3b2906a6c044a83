import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AccessTarget, RequireRole } from '../../core/authorization/access-directives';
import { callerRoleOn } from '../../core/authorization/caller-role';
import { Role } from '../../core/authorization/role';
import { groupPath } from '../../core/authorization/resource-path';
import { RequestContext } from '../../core/context/request-context';
import { ConnectionArgs, emptyConnection } from '../../core/pagination/connection';
import { MembershipConnection } from '../membership/membership.types';
import { OrganizationEntity } from '../organization/organization.entity';
import { DeletePayload } from '../organization/organization.types';
import { ProjectConnection } from '../project/project.types';
import { GroupEntity } from './group.entity';
import { CreateGroupInput, DeleteGroupInput, GroupPayload, UpdateGroupInput } from './group.types';

@Resolver(() => GroupEntity)
export class GroupResolver {
  @RequireRole(Role.VIEWER, AccessTarget.GROUP, 'id')
  @Query(() => GroupEntity, { description: 'One group the caller holds a role on (directly or through its organization).' })
  group(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'The group id.' }) id: string): Promise<GroupEntity> {
    return ctx.services.groups.get(ctx, id);
  }

  @RequireRole(Role.ADMIN, AccessTarget.ORGANIZATION, 'input.organizationId')
  @Mutation(() => GroupPayload, { description: 'Creates a group in an organization (organization ADMINs).' })
  async createGroup(@Ctx() ctx: RequestContext, @Arg('input', () => CreateGroupInput, { description: 'The new group.' }) input: CreateGroupInput): Promise<GroupPayload> {
    return { group: await ctx.services.groups.create(ctx, input.organizationId, input.name) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.GROUP, 'input.id')
  @Mutation(() => GroupPayload, { description: 'Renames a group (its ADMINs, including organization ADMINs).' })
  async updateGroup(@Ctx() ctx: RequestContext, @Arg('input', () => UpdateGroupInput, { description: 'The new name.' }) input: UpdateGroupInput): Promise<GroupPayload> {
    return { group: await ctx.services.groups.rename(ctx, input.id, input.name) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.GROUP, 'input.id')
  @Mutation(() => DeletePayload, { description: 'Deletes a group with its projects, memberships and access tokens, in one transaction.' })
  async deleteGroup(@Ctx() ctx: RequestContext, @Arg('input', () => DeleteGroupInput, { description: 'The group.' }) input: DeleteGroupInput): Promise<DeletePayload> {
    await ctx.services.groups.delete(ctx, input.id);
    return { deletedId: input.id };
  }

  @FieldResolver(() => OrganizationEntity, { description: 'The organization the group belongs to.' })
  async organization(@Ctx() ctx: RequestContext, @Root() group: GroupEntity): Promise<OrganizationEntity | null> {
    return ctx.loaders.organizationById.load(group.organizationId);
  }

  // Reached from a project (`project.group`), the group shows only its name to callers without a
  // role on it: roles hold downwards, never upwards.
  @FieldResolver(() => ProjectConnection, { description: 'The projects of the group, oldest first; empty for callers without a role on the group (roles hold downwards, never upwards).' })
  async projects(@Ctx() ctx: RequestContext, @Root() group: GroupEntity, @Args() page: ConnectionArgs) {
    if (!(await this.viewerRole(ctx, group))) return emptyConnection();
    return ctx.loaders.projectPagesByGroup.load({ parentId: group.id, page });
  }

  @FieldResolver(() => MembershipConnection, { description: 'Roles held directly on the group, oldest first; empty for callers without a role on the group.' })
  async members(@Ctx() ctx: RequestContext, @Root() group: GroupEntity, @Args() page: ConnectionArgs) {
    if (!(await this.viewerRole(ctx, group))) return emptyConnection();
    return ctx.loaders.membershipPagesByGroup.load({ parentId: group.id, page });
  }

  @FieldResolver(() => Role, { nullable: true, description: "The caller's effective role on the group." })
  viewerRole(@Ctx() ctx: RequestContext, @Root() group: GroupEntity): Promise<Role | null> {
    return callerRoleOn(ctx, groupPath(group));
  }
}
