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

  it.each([
    [{ PORT: ' 8080 ' }, 'port', 8080],
    [{ PORT: '' }, 'port', 4000],
    [{ NODE_ENV: '  ' }, 'nodeEnv', 'development'],
    [{ DATABASE_URL: ' mariadb://root@db/tessera ' }, 'databaseUrl', 'mariadb://root@db/tessera'],
    [{ TESSERA_CORS_ORIGINS: ' https://a.example , *,' }, 'corsOrigins', ['https://a.example', '*']],
    [{ TESSERA_ISSUER: ' https://tessera.example.com ' }, 'issuer', 'https://tessera.example.com'],
    [{ TESSERA_ADMIN_EMAIL: ' ' }, 'adminEmail', undefined],
    [{ TESSERA_SHUTDOWN_GRACE_SECONDS: '3' }, 'shutdownGraceMs', 3000],
  ])('reads %j as %s = %j (values trimmed, empty means the default)', (env, key, value) => {
    expect(loadConfig(env)[key as keyof ReturnType<typeof loadConfig>]).toEqual(value);
  });

  it.each([
    [{ PORT: ' abc ' }, 'PORT: must be a whole number (got " abc ")'],
    [{ PORT: '9'.repeat(400) }, 'PORT: must be between 0 and 65535 (got Infinity)'],
    [{ TESSERA_MAX_ALIASES: '1001' }, 'TESSERA_MAX_ALIASES: must be between 0 and 1000 (got 1001)'],
    [{ TESSERA_SANDBOX: ' Maybe' }, 'TESSERA_SANDBOX: must be true or false (got " Maybe")'],
    [{ NODE_ENV: 'Production' }, 'NODE_ENV: must be development, production or test (got "Production")'],
    [{ TESSERA_ADMIN_PASSWORD: ' '.repeat(11) }, 'TESSERA_ADMIN_PASSWORD: must be at least 12 characters'],
    [{ DATABASE_URL: 'mysql://h:99999/db' }, 'DATABASE_URL: is not a valid mysql:// URL'],
    [{ TESSERA_CORS_ORIGINS: 'https://a.example, ftp://b' }, 'TESSERA_CORS_ORIGINS: "ftp://b" is not an origin like https://studio.apollographql.com'],
    [{ TESSERA_ISSUER: 'https://tessera.example.com/' }, 'TESSERA_ISSUER: must be a URL like https://tessera.example.com, without query, fragment or trailing slash (got "https://tessera.example.com/")'],
    // Several bad values: the first in the documented order is reported.
    [{ TESSERA_MAX_ALIASES: 'x', PORT: 'y', NODE_ENV: 'z' }, 'NODE_ENV: must be development, production or test (got "z")'],
  ])('reports %j as one line: %s', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message.split(': ')[0], message.slice(message.indexOf(': ') + 2)));
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).message).toBe(message);
      expect((error as ConfigError).variable).toBe(message.split(': ')[0]);
    }
  });

  it('bounds MySQL waits: pool 10, connect and statement timeouts 5 s, queue 100 by default', () => {
    expect(loadConfig({}).database).toEqual({ poolSize: 10, connectTimeoutMs: 5000, queryTimeoutMs: 5000, queueLimit: 100 });
    expect(loadConfig({ TESSERA_DB_POOL_SIZE: '4', TESSERA_DB_CONNECT_TIMEOUT_MS: '1000', TESSERA_DB_QUERY_TIMEOUT_MS: '1500', TESSERA_DB_QUEUE_LIMIT: '20' }).database).toEqual({
      poolSize: 4,
      connectTimeoutMs: 1000,
      queryTimeoutMs: 1500,
      queueLimit: 20,
    });
    expect(() => loadConfig({ TESSERA_DB_QUERY_TIMEOUT_MS: '50' })).toThrow('TESSERA_DB_QUERY_TIMEOUT_MS: must be between 100 and 3600000 (got 50)');
    expect(() => loadConfig({ TESSERA_DB_POOL_SIZE: '0' })).toThrow('TESSERA_DB_POOL_SIZE: must be between 1 and 1000 (got 0)');
    expect(() => loadConfig({ TESSERA_DB_QUEUE_LIMIT: 'none' })).toThrow('TESSERA_DB_QUEUE_LIMIT: must be a whole number (got "none")');
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
