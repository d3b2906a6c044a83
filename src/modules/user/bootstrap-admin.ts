import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { hashPassword } from '../../core/auth/password';
import { AppConfig } from '../../core/config/config';
import { UserEntity, UserKind, UserStatus, normalizeEmail } from './user.entity';

export const DEFAULT_ADMIN_EMAIL = 'admin@tessera.local';

/**
 * On the first start (no user at all) creates a platform admin from TESSERA_ADMIN_EMAIL and
 * TESSERA_ADMIN_PASSWORD; without a password, generates one and prints it once. Never runs again.
 */
export async function bootstrapAdmin(db: DataSource, config: AppConfig, print: (line: string) => void): Promise<UserEntity | null> {
  if ((await db.manager.count(UserEntity)) > 0) return null;
  const generated = config.adminPassword ? null : randomBytes(18).toString('base64url');
  const password = config.adminPassword ?? generated!;
  const admin = await db.manager.save(
    Object.assign(new UserEntity(), {
      kind: UserKind.HUMAN,
      email: normalizeEmail(config.adminEmail ?? DEFAULT_ADMIN_EMAIL),
      displayName: 'Platform admin',
      passwordHash: await hashPassword(password),
      status: UserStatus.ACTIVE,
      validUntil: null,
      isPlatformAdmin: true,
    }),
  );
  print(`Created the first platform admin: ${admin.email}`);
  if (generated) print(`Its generated password (shown only now; change it with changePassword): ${generated}`);
  return admin;
}
