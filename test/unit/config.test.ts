import { ConfigError, DEFAULT_DATABASE_URL, loadConfig } from '../../src/core/config/config';

describe('configuration', () => {
  it('defaults to port 4000 and the embedded SQLite file', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBe(DEFAULT_DATABASE_URL);
    expect(config.nodeEnv).toBe('development');
    expect(config.sessionTtlSeconds).toBe(12 * 3600);
    expect(config.sandboxEnabled).toBe(true);
  });

  it('accepts MySQL URLs and SQLite paths', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/tessera' }).databaseUrl).toBe('mysql://u:p@db:3306/tessera');
    expect(loadConfig({ DATABASE_URL: 'sqlite:/var/lib/t.sqlite' }).databaseUrl).toBe('/var/lib/t.sqlite');
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://x/y' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://host' }],
    ['TESSERA_TOKEN_PEPPER', { TESSERA_TOKEN_PEPPER: 'short' }],
    ['TESSERA_ADMIN_EMAIL', { TESSERA_ADMIN_EMAIL: 'not-an-email' }],
    ['TESSERA_ADMIN_PASSWORD', { TESSERA_ADMIN_PASSWORD: 'short' }],
    ['TESSERA_SANDBOX', { TESSERA_SANDBOX: 'maybe' }],
    ['TESSERA_CORS_ORIGINS', { TESSERA_CORS_ORIGINS: 'not a url' }],
  ])('refuses a bad %s with an error naming it', (variable, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}: `));
  });

  it('turns the Sandbox off by default in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).sandboxEnabled).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', TESSERA_SANDBOX: 'true' }).sandboxEnabled).toBe(true);
  });
});
