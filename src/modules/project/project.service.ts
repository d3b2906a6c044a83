import { AuditService } from '../../core/audit/audit.service';
import { ResourceType } from '../../core/authorization/role';
import { RequestContext } from '../../core/context/request-context';
import { notFound } from '../../core/errors/app-error';
import { ResourceDeletion } from '../../core/lifecycle/resource-deletion';
import { GroupEntity } from '../group/group.entity';
import { ProjectEntity } from './project.entity';

/** Projects inside a group: group ADMINs create them; project ADMINs rename and delete them. */
export class ProjectService {
  constructor(
    private readonly audit: AuditService,
    private readonly deletion: ResourceDeletion,
  ) {}

  async get(ctx: RequestContext, id: string): Promise<ProjectEntity> {
    const project = await ctx.loaders.projectById.load(id);
    if (!project) throw notFound('Project');
    return project;
  }

  async create(ctx: RequestContext, groupId: string, name: string): Promise<ProjectEntity> {
    return ctx.transaction(async (tx) => {
      const group = await tx.findOne(GroupEntity, { where: { id: groupId } });
      if (!group) throw notFound('Group');
      const project = await tx.save(Object.assign(new ProjectEntity(), { groupId, organizationId: group.organizationId, name: name.trim() }));
      await this.audit.record(tx, ctx, { action: 'createProject', targetType: 'Project', targetId: project.id, organizationId: group.organizationId });
      return project;
    });
  }

  async rename(ctx: RequestContext, id: string, name: string): Promise<ProjectEntity> {
    return ctx.transaction(async (tx) => {
      const project = await tx.findOne(ProjectEntity, { where: { id } });
      if (!project) throw notFound('Project');
      project.name = name.trim();
      await tx.save(project);
      await this.audit.record(tx, ctx, { action: 'updateProject', targetType: 'Project', targetId: id, organizationId: project.organizationId });
      return project;
    });
  }

  /** Deletes the project and everything bound to it. */
  async delete(ctx: RequestContext, id: string): Promise<void> {
    await ctx.transaction(async (tx) => {
      const project = await tx.findOne(ProjectEntity, { where: { id } });
      if (!project) throw notFound('Project');
      await this.deletion.run(tx, ctx, [{ type: ResourceType.PROJECT, id }]);
      await tx.delete(ProjectEntity, { id });
      await this.audit.record(tx, ctx, { action: 'deleteProject', targetType: 'Project', targetId: id, organizationId: project.organizationId });
    });
  }
}
