import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppConfig, ConfigError, isMysqlUrl } from '../config/config';

/**
 * The server-side key for token hashes. Production and MySQL deployments must set
 * TESSERA_TOKEN_PEPPER (every instance needs the same one); the embedded SQLite default keeps
 * a generated pepper beside its database file so a fresh `npm start` works.
 */
export function resolveTokenPepper(config: AppConfig): string {
  if (config.tokenPepper) return config.tokenPepper;
  if (config.nodeEnv === 'production') {
    throw new ConfigError('TESSERA_TOKEN_PEPPER', 'is required when NODE_ENV=production');
  }
  if (isMysqlUrl(config.databaseUrl)) {
    throw new ConfigError('TESSERA_TOKEN_PEPPER', 'is required with a MySQL DATABASE_URL (all instances must share it)');
  }
  if (config.databaseUrl === ':memory:') return randomBytes(32).toString('base64url');
  const file = join(dirname(config.databaseUrl), 'tessera.pepper');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const pepper = randomBytes(32).toString('base64url');
  writeFileSync(file, `${pepper}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return pepper;
}
