import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AccessTarget, Authenticated, RequireRole } from '../../core/authorization/access-directives';
import { callerRoleOn } from '../../core/authorization/caller-role';
import { Role } from '../../core/authorization/role';
import { organizationPath } from '../../core/authorization/resource-path';
import { AuditEventConnection, AuditEventFilterArgs } from '../../core/audit/audit.types';
import { RequestContext } from '../../core/context/request-context';
import { ConnectionArgs, emptyConnection } from '../../core/pagination/connection';
import { GroupConnection } from '../group/group.types';
import { MembershipConnection } from '../membership/membership.types';
import { OrganizationEntity } from './organization.entity';
import {
  CreateOrganizationInput,
  DeleteOrganizationInput,
  DeletePayload,
  OrganizationConnection,
  OrganizationPayload,
  UpdateOrganizationInput,
} from './organization.types';

@Resolver(() => OrganizationEntity)
export class OrganizationResolver {
  @RequireRole(Role.VIEWER, AccessTarget.ORGANIZATION, 'id')
  @Query(() => OrganizationEntity, { description: 'One organization the caller holds a role on.' })
  organization(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'The organization id.' }) id: string): Promise<OrganizationEntity> {
    return ctx.services.organizations.get(ctx, id);
  }

  @Authenticated()
  @Query(() => OrganizationConnection, { description: 'The organizations the caller holds a role on (all of them for platform admins), newest first.' })
  organizations(@Ctx() ctx: RequestContext, @Args() page: ConnectionArgs) {
    return ctx.services.organizations.listForCaller(ctx, page);
  }

  @Authenticated()
  @Mutation(() => OrganizationPayload, { description: 'Creates an organization; the caller becomes its ADMIN.' })
  async createOrganization(@Ctx() ctx: RequestContext, @Arg('input', () => CreateOrganizationInput, { description: 'The new organization.' }) input: CreateOrganizationInput): Promise<OrganizationPayload> {
    return { organization: await ctx.services.organizations.create(ctx, input.name) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.ORGANIZATION, 'input.id')
  @Mutation(() => OrganizationPayload, { description: 'Renames an organization (its ADMINs).' })
  async updateOrganization(@Ctx() ctx: RequestContext, @Arg('input', () => UpdateOrganizationInput, { description: 'The new name.' }) input: UpdateOrganizationInput): Promise<OrganizationPayload> {
    return { organization: await ctx.services.organizations.rename(ctx, input.id, input.name) };
  }

  @RequireRole(Role.ADMIN, AccessTarget.ORGANIZATION, 'input.id')
  @Mutation(() => DeletePayload, { description: 'Deletes an organization with its groups, projects, memberships and access tokens, in one transaction (its ADMINs).' })
  async deleteOrganization(@Ctx() ctx: RequestContext, @Arg('input', () => DeleteOrganizationInput, { description: 'The organization.' }) input: DeleteOrganizationInput): Promise<DeletePayload> {
    await ctx.services.organizations.delete(ctx, input.id);
    return { deletedId: input.id };
  }

  // Reached from a project or group (`project.organization`), the organization shows only its name
  // to callers without a role on it: roles hold downwards, never upwards.
  @FieldResolver(() => GroupConnection, { description: 'The groups of the organization, oldest first; empty for callers without a role on the organization (roles hold downwards, never upwards).' })
  async groups(@Ctx() ctx: RequestContext, @Root() organization: OrganizationEntity, @Args() page: ConnectionArgs) {
    if (!(await this.viewerRole(ctx, organization))) return emptyConnection();
    return ctx.loaders.groupPagesByOrganization.load({ parentId: organization.id, page });
  }

  @FieldResolver(() => MembershipConnection, { description: 'Roles held directly on the organization, oldest first; empty for callers without a role on the organization.' })
  async members(@Ctx() ctx: RequestContext, @Root() organization: OrganizationEntity, @Args() page: ConnectionArgs) {
    if (!(await this.viewerRole(ctx, organization))) return emptyConnection();
    return ctx.loaders.membershipPagesByOrganization.load({ parentId: organization.id, page });
  }

  @FieldResolver(() => Role, { nullable: true, description: "The caller's effective role on the organization." })
  viewerRole(@Ctx() ctx: RequestContext, @Root() organization: OrganizationEntity): Promise<Role | null> {
    return callerRoleOn(ctx, organizationPath(organization.id));
  }

  @FieldResolver(() => AuditEventConnection, { description: "The organization's audit trail, newest first (its ADMINs)." })
  auditEvents(@Ctx() ctx: RequestContext, @Root() organization: OrganizationEntity, @Args() filter: AuditEventFilterArgs, @Args() page: ConnectionArgs) {
    return ctx.services.audit.listForOrganization(ctx, organization.id, filter, page);
  }
}
