import { TestServer, startTestServer } from '../support/test-server';

describe('POST /oauth/token against guessing', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ label: 'oauth_throttle', env: { TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS: '3' } });
  });
  afterAll(() => server.stop());

  const guess = () =>
    fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'nobody', refresh_token: 'tsrft_000000000000000000000000000000_000000' }).toString(),
    });

  it('counts failed refreshes per client address and then answers 429 with Retry-After', async () => {
    for (let i = 0; i < 3; i += 1) expect((await guess()).status).toBe(401);
    const throttled = await guess();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await throttled.json()).toMatchObject({ error: 'slow_down' });
  });
});
