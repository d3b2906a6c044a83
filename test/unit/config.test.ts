import { ConfigError, DEFAULT_DATABASE_URL, loadConfig } from '../../src/core/config/config';

describe('configuration', () => {
  it('defaults to port 4000 and the embedded SQLite file', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBe(DEFAULT_DATABASE_URL);
    expect(config.nodeEnv).toBe('development');
    expect(config.sessionTtlSeconds).toBe(12 * 3600);
    expect(config.explorer).toBe('sandbox');
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
    ['TESSERA_EXPLORER', { TESSERA_EXPLORER: 'playground' }],
    ['TESSERA_CORS_ORIGINS', { TESSERA_CORS_ORIGINS: 'not a url' }],
    ['TESSERA_REFRESH_REUSE_GRACE_SECONDS', { TESSERA_REFRESH_REUSE_GRACE_SECONDS: '301' }],
    ['TESSERA_REFRESH_REUSE_GRACE_SECONDS', { TESSERA_REFRESH_REUSE_GRACE_SECONDS: '2.5' }],
    ['TESSERA_KEYCLOAK_REALM', { TESSERA_KEYCLOAK_REALM: 'data/chain' }],
    ['TESSERA_KEYCLOAK_REALM', { TESSERA_KEYCLOAK_REALM: 'data chain' }],
  ])('refuses a bad %s with an error naming it', (variable, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}: `));
  });

  it('reads the refresh reuse grace period (10 s, 0 = none) and the Keycloak realm (any when unset)', () => {
    expect(loadConfig({})).toMatchObject({ refreshReuseGraceSeconds: 10, keycloakRealm: undefined });
    expect(loadConfig({ TESSERA_REFRESH_REUSE_GRACE_SECONDS: '0', TESSERA_KEYCLOAK_REALM: ' datachain ' })).toMatchObject({ refreshReuseGraceSeconds: 0, keycloakRealm: 'datachain' });
  });

  it.each([
    [{}, 'sandbox'],
    [{ NODE_ENV: 'production' }, 'off'],
    [{ NODE_ENV: 'production', TESSERA_SANDBOX: 'true' }, 'sandbox'],
    [{ TESSERA_SANDBOX: 'false' }, 'off'],
    [{ TESSERA_EXPLORER: 'graphiql' }, 'graphiql'],
    [{ TESSERA_EXPLORER: 'GraphiQL ' }, 'graphiql'],
    [{ NODE_ENV: 'production', TESSERA_EXPLORER: 'graphiql' }, 'graphiql'],
    [{ TESSERA_EXPLORER: 'off' }, 'off'],
    // TESSERA_EXPLORER wins over the older switch (docker/compose.yaml always sets TESSERA_SANDBOX).
    [{ NODE_ENV: 'production', TESSERA_SANDBOX: 'false', TESSERA_EXPLORER: 'graphiql' }, 'graphiql'],
    [{ TESSERA_SANDBOX: 'true', TESSERA_EXPLORER: 'off' }, 'off'],
    [{ TESSERA_EXPLORER: '' }, 'sandbox'],
  ])('chooses the explorer from %j: %s (off by default in production)', (env, explorer) => {
    expect(loadConfig(env).explorer).toBe(explorer);
  });
});
