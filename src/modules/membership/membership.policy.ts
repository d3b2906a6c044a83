import { Role, roleAtLeast } from '../../core/authorization/role';
import { AppError, ErrorCode, conflict } from '../../core/errors/app-error';

/** Nobody grants, or changes, a role above their own effective role on the resource. */
export function assertMayGrant(callerRole: Role | null, role: Role, field: string): void {
  if (!roleAtLeast(callerRole, role)) {
    throw new AppError(ErrorCode.FORBIDDEN, `You cannot grant ${role}: it is above your own role (${callerRole ?? 'none'})`, {
      fields: [{ field, message: 'above your own role', constraint: 'roleCeiling' }],
    });
  }
}

/** An organization keeps at least one person as ADMIN. */
export function assertNotLastAdmin(remainingAdmins: number): void {
  if (remainingAdmins < 1) throw conflict('An organization needs at least one ADMIN; make someone else ADMIN first');
}
