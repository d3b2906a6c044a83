import { Args, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import { Viewer } from '../user/viewer.types';
import { AccessTarget, RequireRole } from '../../core/authorization/access-directives';
import { Role } from '../../core/authorization/role';
import { RequestContext } from '../../core/context/request-context';
import { ConnectionArgs } from '../../core/pagination/connection';
import { AuditEventConnection, AuditEventFilterArgs } from '../../core/audit/audit.types';

@Resolver()
export class AuditResolver {
  @RequireRole(Role.ADMIN, AccessTarget.PLATFORM)
  @Query(() => AuditEventConnection, { description: 'The whole audit trail, newest first (platform admins). Organization ADMINs read `Organization.auditEvents`.' })
  auditEvents(@Ctx() ctx: RequestContext, @Args() filter: AuditEventFilterArgs, @Args() page: ConnectionArgs) {
    return ctx.services.audit.list(ctx, filter, page);
  }
}

@Resolver(() => Viewer)
export class ViewerAuditResolver {
  @FieldResolver(() => AuditEventConnection, { description: "What the caller did (created, revoked, rotated, deleted, signed in…), including refused attempts, and what the system did to the caller's tokens (revoked as leaked or unused, see `subjectUserId`), newest first." })
  auditEvents(@Ctx() ctx: RequestContext, @Args() filter: AuditEventFilterArgs, @Args() page: ConnectionArgs) {
    return ctx.services.audit.listOwn(ctx, filter, page);
  }
}
