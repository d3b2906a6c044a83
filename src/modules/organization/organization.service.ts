import { In } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { ResourceType, Role } from '../../core/authorization/role';
import { RequestContext, requireCaller } from '../../core/context/request-context';
import { forbidden, notFound } from '../../core/errors/app-error';
import { ResourceDeletion } from '../../core/lifecycle/resource-deletion';
import { ConnectionArgs, paginate } from '../../core/pagination/connection';
import { GroupEntity } from '../group/group.entity';
import { MembershipEntity } from '../membership/membership.entity';
import { ProjectEntity } from '../project/project.entity';
import { UserKind } from '../user/user.entity';
import { OrganizationEntity } from './organization.entity';

/** Organizations: any person creates one and becomes its ADMIN; ADMINs rename and delete it. */
export class OrganizationService {
  constructor(
    private readonly audit: AuditService,
    private readonly deletion: ResourceDeletion,
  ) {}

  async get(ctx: RequestContext, id: string): Promise<OrganizationEntity> {
    const organization = await ctx.loaders.organizationById.load(id);
    if (!organization) throw notFound('Organization');
    return organization;
  }

  /** Organizations the caller holds a role on (all of them for platform admins). */
  async listForCaller(ctx: RequestContext, page: ConnectionArgs) {
    const caller = requireCaller(ctx);
    const query = ctx.db.manager.createQueryBuilder(OrganizationEntity, 'organization');
    if (!caller.user.isPlatformAdmin) {
      query.where(
        (qb) =>
          `organization.id IN ${qb
            .subQuery()
            .select('m.resourceId')
            .from(MembershipEntity, 'm')
            .where('m.userId = :userId AND m.resourceType = :organizationType')
            .getQuery()}`,
        { userId: caller.user.id, organizationType: ResourceType.ORGANIZATION },
      );
    }
    return paginate(query, page);
  }

  async create(ctx: RequestContext, name: string): Promise<OrganizationEntity> {
    const caller = requireCaller(ctx);
    if (caller.user.kind !== UserKind.HUMAN) throw forbidden('Technical users cannot create organizations');
    return ctx.transaction(async (tx) => {
      const organization = await tx.save(Object.assign(new OrganizationEntity(), { name: name.trim() }));
      await tx.save(
        Object.assign(new MembershipEntity(), {
          userId: caller.user.id,
          resourceType: ResourceType.ORGANIZATION,
          resourceId: organization.id,
          organizationId: organization.id,
          role: Role.ADMIN,
        }),
      );
      await this.audit.record(tx, ctx, { action: 'createOrganization', targetType: 'Organization', targetId: organization.id, organizationId: organization.id });
      return organization;
    });
  }

  async rename(ctx: RequestContext, id: string, name: string): Promise<OrganizationEntity> {
    return ctx.transaction(async (tx) => {
      const organization = await tx.findOne(OrganizationEntity, { where: { id } });
      if (!organization) throw notFound('Organization');
      organization.name = name.trim();
      await tx.save(organization);
      await this.audit.record(tx, ctx, { action: 'updateOrganization', targetType: 'Organization', targetId: id, organizationId: id });
      return organization;
    });
  }

  /** Deletes the organization, its groups and projects, and everything bound to them. */
  async delete(ctx: RequestContext, id: string): Promise<void> {
    await ctx.transaction(async (tx) => {
      if (!(await tx.exists(OrganizationEntity, { where: { id } }))) throw notFound('Organization');
      const groups = await tx.find(GroupEntity, { where: { organizationId: id }, select: { id: true } });
      const projects = await tx.find(ProjectEntity, { where: { organizationId: id }, select: { id: true } });
      await this.deletion.run(tx, ctx, [
        { type: ResourceType.ORGANIZATION, id },
        ...groups.map((g) => ({ type: ResourceType.GROUP, id: g.id })),
        ...projects.map((p) => ({ type: ResourceType.PROJECT, id: p.id })),
      ]);
      if (projects.length) await tx.delete(ProjectEntity, { id: In(projects.map((p) => p.id)) });
      if (groups.length) await tx.delete(GroupEntity, { id: In(groups.map((g) => g.id)) });
      await tx.delete(OrganizationEntity, { id });
      await this.audit.record(tx, ctx, { action: 'deleteOrganization', targetType: 'Organization', targetId: id, organizationId: id, detail: { groups: groups.length, projects: projects.length } });
    });
  }
}
