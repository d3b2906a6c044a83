import { DataSource } from 'typeorm';
import { AuditService } from './core/audit/audit.service';
import { LoginThrottle } from './core/auth/login-throttle';
import { AppConfig } from './core/config/config';
import { ResourceDeletion } from './core/lifecycle/resource-deletion';
import { GroupService } from './modules/group/group.service';
import { MembershipService } from './modules/membership/membership.service';
import { OrganizationService } from './modules/organization/organization.service';
import { ProjectService } from './modules/project/project.service';
import { SessionService } from './modules/session/session.service';
import { UserService } from './modules/user/user.service';

/** The stateless services of one server, wired once at start-up; each method takes the request context. */
export function createServices(db: DataSource, config: AppConfig, pepper: string) {
  const audit = new AuditService();
  const deletion = new ResourceDeletion();
  const sessions = new SessionService(db, config, pepper, audit, new LoginThrottle(config));
  const users = new UserService(audit, sessions);
  const memberships = new MembershipService(audit);
  deletion.register((tx, _ctx, resources) => memberships.deleteForResources(tx, resources));
  return {
    audit,
    sessions,
    users,
    memberships,
    organizations: new OrganizationService(audit, deletion),
    groups: new GroupService(audit, deletion),
    projects: new ProjectService(audit, deletion),
  };
}

export type Services = ReturnType<typeof createServices>;
