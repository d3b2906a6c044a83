import { In } from 'typeorm';
import { AuditService } from '../../core/audit/audit.service';
import { ResourceType } from '../../core/authorization/role';
import { RequestContext } from '../../core/context/request-context';
import { notFound } from '../../core/errors/app-error';
import { ResourceDeletion } from '../../core/lifecycle/resource-deletion';
import { ProjectEntity } from '../project/project.entity';
import { GroupEntity } from './group.entity';

/** Groups inside an organization: organization ADMINs create them; group ADMINs rename and delete them. */
export class GroupService {
  constructor(
    private readonly audit: AuditService,
    private readonly deletion: ResourceDeletion,
  ) {}

  async get(ctx: RequestContext, id: string): Promise<GroupEntity> {
    const group = await ctx.loaders.groupById.load(id);
    if (!group) throw notFound('Group');
    return group;
  }

  async create(ctx: RequestContext, organizationId: string, name: string): Promise<GroupEntity> {
    return ctx.transaction(async (tx) => {
      const group = await tx.save(Object.assign(new GroupEntity(), { organizationId, name: name.trim() }));
      await this.audit.record(tx, ctx, { action: 'createGroup', targetType: 'Group', targetId: group.id, organizationId });
      return group;
    });
  }

  async rename(ctx: RequestContext, id: string, name: string): Promise<GroupEntity> {
    return ctx.transaction(async (tx) => {
      const group = await tx.findOne(GroupEntity, { where: { id } });
      if (!group) throw notFound('Group');
      group.name = name.trim();
      await tx.save(group);
      await this.audit.record(tx, ctx, { action: 'updateGroup', targetType: 'Group', targetId: id, organizationId: group.organizationId });
      return group;
    });
  }

  /** Deletes the group, its projects, and everything bound to them. */
  async delete(ctx: RequestContext, id: string): Promise<void> {
    await ctx.transaction(async (tx) => {
      const group = await tx.findOne(GroupEntity, { where: { id } });
      if (!group) throw notFound('Group');
      const projects = await tx.find(ProjectEntity, { where: { groupId: id }, select: { id: true } });
      await this.deletion.run(tx, ctx, [{ type: ResourceType.GROUP, id }, ...projects.map((p) => ({ type: ResourceType.PROJECT, id: p.id }))]);
      if (projects.length) await tx.delete(ProjectEntity, { id: In(projects.map((p) => p.id)) });
      await tx.delete(GroupEntity, { id });
      await this.audit.record(tx, ctx, { action: 'deleteGroup', targetType: 'Group', targetId: id, organizationId: group.organizationId, detail: { projects: projects.length } });
    });
  }
}
