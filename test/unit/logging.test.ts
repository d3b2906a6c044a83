import { ConfigError, loadConfig } from '../../src/core/config/config';
import { configureLogging, logger } from '../../src/core/logging/logger';
import { typeormLogger } from '../../src/core/logging/typeorm-logger';

describe('the logger', () => {
  const output: string[] = [];
  const capture = { write: (line: string) => void output.push(line) };
  beforeEach(() => {
    output.length = 0;
    configureLogging({ level: 'trace', format: 'json' }, capture);
  });
  afterAll(() => configureLogging({ level: 'info' }));

  it('redacts credentials by field name in the first three levels of a logged object', () => {
    const secrets = {
      authorization: 'Bearer s1',
      password: 's2',
      input: { password: 's3', currentPassword: 's4', newPassword: 's5', clientSecret: 's6' },
      variables: { input: { password: 's7' } },
      headers: { authorization: 's8', cookie: 's9', 'set-cookie': 's10', 'proxy-authorization': 's11' },
      form: { client_secret: 's12', refresh_token: 's13', token: 's14', access_token: 's15' },
      payload: { sessionToken: 's16', secret: 's17', refreshToken: 's18' },
      options: { tokenPepper: 's19' },
    };
    logger.debug(secrets, 'probe');
    const line = JSON.parse(output.join('')) as Record<string, any>;
    expect(line.message).toBe('probe');
    expect(line.level).toBe('debug');
    expect(JSON.stringify(line)).not.toMatch(/"s\d+"|Bearer/);
    expect(line.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]', 'set-cookie': '[redacted]', 'proxy-authorization': '[redacted]' });
    expect(line.form.token).toBe('[redacted]');
  });

  it('censors a copy: the logged object is never changed, and one without secrets is written as it is', () => {
    const logged = Object.freeze({ requestId: 'r-1', headers: Object.freeze({ authorization: 'Bearer s1', accept: 'text/html' }), input: Object.freeze({ name: 'n' }) });
    // Frozen: a write into the caller's object would throw here.
    logger.info(logged, 'censored');
    expect(logged.headers.authorization).toBe('Bearer s1');
    expect(JSON.parse(output.pop()!)).toMatchObject({ headers: { authorization: '[redacted]', accept: 'text/html' }, input: { name: 'n' } });

    const access = { requestId: 'r-2', method: 'POST', route: 'graphql', status: 200, durationMs: 1.5, clientAddress: '127.0.0.1', callerKind: 'access_token', userId: 'u-1', tokenId: 't-1' };
    logger.info(access, 'access');
    const { level, time, pid, hostname, message, ...fields } = JSON.parse(output.pop()!) as Record<string, unknown>;
    expect({ level, message, time, pid, hostname }).toEqual({ level: 'info', message: 'access', time: expect.any(String), pid: process.pid, hostname: expect.any(String) });
    expect(fields).toEqual(access);
  });

  it('censors down to the third level only, where an array index is a level', () => {
    logger.info({ variables: { input: { password: 's1', keep: 'k' } }, a: { b: { c: { password: 'fourth-level' } } } }, 'depth');
    expect(JSON.parse(output.pop()!)).toMatchObject({ variables: { input: { password: '[redacted]', keep: 'k' } }, a: { b: { c: { password: 'fourth-level' } } } });
    logger.info({ headers: [{ authorization: 's2' }, 'kept'], nested: [[{ password: 'fourth-level' }]], cookie: ['s3', 's4'] }, 'arrays');
    expect(JSON.parse(output.pop()!)).toMatchObject({ headers: [{ authorization: '[redacted]' }, 'kept'], nested: [[{ password: 'fourth-level' }]], cookie: '[redacted]' });
  });

  it("censors child bindings, values interpolated into the message, and an error's own fields", () => {
    logger.child({ authorization: 's1', req: { headers: { cookie: 's2' } } }).child({ token: 's3' }).info('child');
    expect(JSON.parse(output.pop()!)).toMatchObject({ authorization: '[redacted]', req: { headers: { cookie: '[redacted]' } }, token: '[redacted]' });
    logger.info('values %j %o', { password: 's4', a: { b: { secret: 's5' } } }, { cookie: 's6' });
    expect(output.join('')).not.toMatch(/s[4-6]/);
    output.length = 0;
    const error = Object.assign(new Error('boom'), { token: 's7' });
    logger.error({ err: error }, 'failed');
    expect(JSON.parse(output.pop()!).err).toMatchObject({ type: 'Error', message: 'boom', stack: expect.stringContaining('Error: boom'), token: '[redacted]' });
    expect(error.token).toBe('s7');
  });

  it('keeps ids, codes and messages', () => {
    logger.warn({ tokenId: 'id-1', clientId: 'pydc', outcome: 'invalid_grant' }, 'kept');
    expect(JSON.parse(output.join(''))).toMatchObject({ level: 'warn', tokenId: 'id-1', clientId: 'pydc', outcome: 'invalid_grant', message: 'kept', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('writes nothing below the configured level', () => {
    configureLogging({ level: 'warn', format: 'json' }, capture);
    logger.info('hidden');
    logger.debug('hidden');
    logger.error('shown');
    expect(output).toHaveLength(1);
  });

  it("writes TypeORM's failed statements at debug, without their parameters", () => {
    typeormLogger.logQueryError(new Error('Duplicate entry'), 'INSERT INTO `users` VALUES (?)', ['parameter-value']);
    expect(JSON.parse(output.join(''))).toMatchObject({ level: 'debug', message: 'query failed', query: 'INSERT INTO `users` VALUES (?)', error: 'Duplicate entry' });
    expect(output.join('')).not.toContain('parameter-value');
  });

  it('is silent with TESSERA_LOG_SILENT=true, whatever the level', () => {
    process.env.TESSERA_LOG_SILENT = 'true';
    try {
      configureLogging({ level: 'trace', format: 'json' }, capture);
      logger.error('hidden');
      expect(output).toEqual([]);
    } finally {
      delete process.env.TESSERA_LOG_SILENT;
    }
  });
});

describe('logging and metrics configuration', () => {
  const base = { DATABASE_URL: ':memory:' };

  it('reads TESSERA_LOG_LEVEL (default info), TESSERA_LOG_FORMAT and TESSERA_METRICS_PORT', () => {
    expect(loadConfig(base)).toMatchObject({ logLevel: 'info', logFormat: undefined, metricsPort: undefined });
    expect(loadConfig({ ...base, TESSERA_LOG_LEVEL: ' Debug ', TESSERA_LOG_FORMAT: 'PRETTY', TESSERA_METRICS_PORT: '9464' })).toMatchObject({ logLevel: 'debug', logFormat: 'pretty', metricsPort: 9464 });
    expect(loadConfig({ ...base, TESSERA_LOG_LEVEL: '', TESSERA_METRICS_PORT: '' })).toMatchObject({ logLevel: 'info', metricsPort: undefined });
  });

  it.each([
    ['TESSERA_LOG_LEVEL', 'verbose', 'TESSERA_LOG_LEVEL: must be fatal, error, warn, info, debug, trace or silent (got "verbose")'],
    ['TESSERA_LOG_FORMAT', 'text', 'TESSERA_LOG_FORMAT: must be json or pretty (got "text")'],
    ['TESSERA_METRICS_PORT', '70000', 'TESSERA_METRICS_PORT: must be between 0 and 65535 (got 70000)'],
    ['TESSERA_METRICS_PORT', 'metrics', 'TESSERA_METRICS_PORT: must be a whole number (got "metrics")'],
  ])('refuses %s=%s', (name, value, message) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(new ConfigError(name, message.slice(name.length + 2)));
  });
});
