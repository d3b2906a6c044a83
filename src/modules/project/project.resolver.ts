import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AccessTarget, RequireRole } from '../../core/authorization/access-directives';
import { callerRoleOn } from '../../core/authorization/caller-role';
import { Role } from '../../core/authorization/role';
import { projectPath } from '../../core/authorization/resource-path';
import { RequestContext } from '../../core/context/request-context';
import { ConnectionArgs } from '../../core/pagination/connection';
import { GroupEntity } from '../group/group.entity';
import { MembershipConnection } from '../membership/membership.types';
import { OrganizationEntity } from '../organization/organization.entity';
import { DeletePayload } from '../organization/organization.types';
import { ProjectEntity } from './project.entity';
import { CreateProjectInput, DeleteProjectInput, ProjectPayload, UpdateProjectInput } from './project.types';

@Resolver(() => ProjectEntity)
export class ProjectResolver {
  @RequireRole(Role.VIEWER, AccessTarget.PROJECT, 'id')
  @Query(() => ProjectEntity, { description: 'One project the caller holds a role on (directly or through its group or organization).' })
  project(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'The project id.' }) id: string): Promise<ProjectEntity> {
    return ctx.services.projects.get(ctx, id);
  }

  @RequireRole(Role.ADMIN, AccessTarget.GROUP, 'input.groupId')
  @Mutation(() => ProjectPayload, { description: 'Creates a project in a group (group ADMINs, including organization ADMINs).' })
  async createProject(@Ctx() ctx: RequestContext, @Arg('input', () => CreateProjectInput, { description: 'The new project.' }) input: CreateProjectInput): Promise<ProjectPayload> {
    return { project: await ctx.services.projects.create(ctx, input.groupId, input.name) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.PROJECT, 'input.id')
  @Mutation(() => ProjectPayload, { description: 'Renames a project (its ADMINs).' })
  async updateProject(@Ctx() ctx: RequestContext, @Arg('input', () => UpdateProjectInput, { description: 'The new name.' }) input: UpdateProjectInput): Promise<ProjectPayload> {
    return { project: await ctx.services.projects.rename(ctx, input.id, input.name) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.PROJECT, 'input.id')
  @Mutation(() => DeletePayload, { description: 'Deletes a project with its memberships and access tokens, in one transaction.' })
  async deleteProject(@Ctx() ctx: RequestContext, @Arg('input', () => DeleteProjectInput, { description: 'The project.' }) input: DeleteProjectInput): Promise<DeletePayload> {
    await ctx.services.projects.delete(ctx, input.id);
    return { deletedId: input.id };
  }

  @FieldResolver(() => GroupEntity, { description: 'The group the project belongs to.' })
  group(@Ctx() ctx: RequestContext, @Root() project: ProjectEntity): Promise<GroupEntity | null> {
    return ctx.loaders.groupById.load(project.groupId);
  }

  @FieldResolver(() => OrganizationEntity, { description: 'The organization the project belongs to.' })
  organization(@Ctx() ctx: RequestContext, @Root() project: ProjectEntity): Promise<OrganizationEntity | null> {
    return ctx.loaders.organizationById.load(project.organizationId);
  }

  @FieldResolver(() => MembershipConnection, { description: 'Roles held directly on the project, oldest first.' })
  members(@Ctx() ctx: RequestContext, @Root() project: ProjectEntity, @Args() page: ConnectionArgs) {
    return ctx.loaders.membershipPagesByProject.load({ parentId: project.id, page });
  }

  @FieldResolver(() => Role, { nullable: true, description: "The caller's effective role on the project." })
  viewerRole(@Ctx() ctx: RequestContext, @Root() project: ProjectEntity): Promise<Role | null> {
    return callerRoleOn(ctx, projectPath(project));
  }
}
