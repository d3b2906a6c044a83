import { createHmac } from 'node:crypto';
import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Role } from '../../../src/core/authorization/role';
import { WebhookDeliveryEntity } from '../../../src/modules/webhooks/webhook-delivery.entity';
import { MAX_ATTEMPTS } from '../../../src/modules/webhooks/webhook-delivery.worker';
import { RunningServer, startServer } from '../../../src/server';
import { addMember, codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import { ageToken, systemContext } from '../../support/system-context';
import { ADMIN_PASSWORD, TestServer, startTestServer, testDatabase } from '../../support/test-server';
import { AuditOutcome, DAY_MS, TOKEN_OPS, countAudit, createToken, daysFromNow, expectBadInput, randomPartOf } from '../../support/token-fixtures';

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that answers `fallback` after `delayMs`. */
class Receiver {
  readonly received: Received[] = [];
  fallback = 200;
  delayMs = 0;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        this.received.push({ url: req.url ?? '', headers: req.headers, body });
        setTimeout(() => res.writeHead(this.fallback).end(), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** A URL of its own per endpoint, so each test counts only its endpoint's deliveries. */
  urlFor(name: string): string {
    return `${this.url}/${name}`;
  }

  by(endpointUrl: string): Received[] {
    return this.received.filter((r) => endpointUrl.endsWith(r.url));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const ENDPOINT_FIELDS = 'id url events enabled organizationId userId';
const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret webhookEndpoint { ${ENDPOINT_FIELDS} } } }`;
const UPDATE = `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { secret webhookEndpoint { ${ENDPOINT_FIELDS} } } }`;
const DELETE = 'mutation($input: DeleteWebhookEndpointInput!) { deleteWebhookEndpoint(input: $input) { deletedId } }';
const REDELIVER = 'mutation($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) { webhookDelivery { id status attempts } } }';
const ORG_ENDPOINTS = `query($organizationId: ID!) { organizationWebhookEndpoints(organizationId: $organizationId) { totalCount edges { node { ${ENDPOINT_FIELDS} } } } }`;
const OWN_ENDPOINTS = `{ viewerWebhookEndpoints { edges { node { ${ENDPOINT_FIELDS} } } } }`;
const DELIVERIES = `query($organizationId: ID!) { organizationWebhookEndpoints(organizationId: $organizationId, first: 1) { edges { node { id deliveries(first: 10) { totalCount edges { node { id eventType status attempts lastStatusCode lastError payload nextAttemptAt } } } } } } }`;

const ALL_EVENTS = ['TOKEN_REVOKED', 'TOKEN_ROTATED', 'TOKEN_EXPIRED', 'TOKEN_EXPIRING', 'TOKEN_LEAKED', 'TOKEN_REVOKED_STALE', 'TOKEN_OWNER_CREDENTIALS_ENDED'];
const SET_STALE_POLICY = 'mutation($input: SetTokenPolicyInput!) { setTokenPolicy(input: $input) { tokenPolicy { revokeUnusedAfterDays } } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Receivers verify like this: HMAC-SHA-256 of `<timestamp>.<raw body>` with the endpoint's secret. */
const expectedSignature = (secret: string, received: Received) =>
  `v1=${createHmac('sha256', secret).update(`${received.headers['x-tessera-timestamp']}.${received.body}`).digest('hex')}`;

describe('webhooks: token events delivered to registered endpoints', () => {
  let server: TestServer;
  let receiver: Receiver;
  let admin: string;

  beforeAll(async () => {
    receiver = new Receiver();
    await receiver.start();
    // Deliveries are driven by the tests (deliverDue), not by the poller.
    server = await startTestServer({ label: 'webhooks', env: { TESSERA_WEBHOOKS_ALLOW_PRIVATE: 'true', TESSERA_WEBHOOK_POLL_MS: '600000', TESSERA_WEBHOOK_RETRY_BASE_MS: '1', TESSERA_WEBHOOK_TIMEOUT_MS: '500' } });
    admin = await loginAsAdmin(server);
  });
  afterAll(async () => {
    await server.stop();
    await receiver.stop();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.fallback = 200;
    receiver.delayMs = 0;
  });

  const deliver = () => server.services.webhookDeliveries.deliverDue(server.db);
  const deliveriesOf = (endpointId: string) => server.db.manager.find(WebhookDeliveryEntity, { where: { endpointId }, order: { id: 'ASC' } });

  let endpoints = 0;
  async function organizationWithEndpoint(events = ALL_EVENTS) {
    const owner = await createUser(server, admin, 'owner');
    const hierarchy = await createHierarchy(server, owner.token);
    endpoints += 1;
    const url = receiver.urlFor(`e${endpoints}`);
    const created = ok(await server.gql(CREATE, { input: { organizationId: hierarchy.organizationId, url, events } }, owner.token)).createWebhookEndpoint;
    return { owner, hierarchy, endpoint: created.webhookEndpoint, secret: created.secret as string, received: () => receiver.by(url) };
  }

  describe('who may register and manage endpoints', () => {
    it('lets an organization ADMIN register one, shows the secret only then, and audits it', async () => {
      const { owner, hierarchy, endpoint, secret } = await organizationWithEndpoint(['TOKEN_REVOKED']);
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(endpoint).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/hook\/e\d+$/), events: ['TOKEN_REVOKED'], enabled: true, organizationId: hierarchy.organizationId, userId: null });
      const listed = ok(await server.gql(ORG_ENDPOINTS, { organizationId: hierarchy.organizationId }, owner.token)).organizationWebhookEndpoints;
      expect(listed.edges.map((e: any) => e.node.id)).toEqual([endpoint.id]);
      expect(JSON.stringify(listed)).not.toContain(secret);
      const updated = ok(await server.gql(UPDATE, { input: { id: endpoint.id, events: ['TOKEN_ROTATED', 'TOKEN_REVOKED'] } }, owner.token)).updateWebhookEndpoint;
      expect(updated).toMatchObject({ secret: null, webhookEndpoint: { events: ['TOKEN_ROTATED', 'TOKEN_REVOKED'] } });
      expect(await countAudit(server, { action: 'createWebhookEndpoint', targetId: endpoint.id })).toBe(1);
      expect(await countAudit(server, { action: 'updateWebhookEndpoint', targetId: endpoint.id })).toBe(1);
      // The sealed secret at rest is not the secret.
      const rows: Array<Record<string, unknown>> = await server.db.query('SELECT * FROM webhook_endpoints');
      // Everything after the prefix (a webhook secret is base64url: it may itself contain '_').
      expect(JSON.stringify(rows)).not.toContain(secret.slice(secret.indexOf('_') + 1));
    });

    it.each([
      ['an ADMIN of another organization', 'NOT_FOUND', null],
      ['a MEMBER of the organization', 'FORBIDDEN', Role.MEMBER],
    ])('refuses %s (%s)', async (_who, code, role) => {
      const { owner, hierarchy, endpoint } = await organizationWithEndpoint();
      const other = await createUser(server, admin, 'other');
      await createHierarchy(server, other.token);
      if (role) await addMember(server, owner.token, other.id, { organizationId: hierarchy.organizationId }, role);
      expect(codeOf(await server.gql(CREATE, { input: { organizationId: hierarchy.organizationId, url: receiver.url, events: ['TOKEN_REVOKED'] } }, other.token))).toBe(code);
      expect(codeOf(await server.gql(ORG_ENDPOINTS, { organizationId: hierarchy.organizationId }, other.token))).toBe(code);
      expect(codeOf(await server.gql(UPDATE, { input: { id: endpoint.id, enabled: false } }, other.token))).toBe(code);
      expect(codeOf(await server.gql(DELETE, { input: { id: endpoint.id } }, other.token))).toBe(code);
      expect(await countAudit(server, { action: 'createWebhookEndpoint', organizationId: hierarchy.organizationId, outcome: AuditOutcome.SUCCESS })).toBe(1);
    });

    it("keeps a personal endpoint to its user: others get NOT_FOUND, and it hears only of that user's personal tokens", async () => {
      const user = await createUser(server, admin, 'personal');
      const stranger = await createUser(server, admin, 'stranger');
      const { webhookEndpoint } = ok(await server.gql(CREATE, { input: { url: receiver.url, events: ['TOKEN_REVOKED'] } }, user.token)).createWebhookEndpoint;
      expect(webhookEndpoint).toMatchObject({ userId: user.id, organizationId: null });
      expect(ok(await server.gql(OWN_ENDPOINTS, {}, user.token)).viewerWebhookEndpoints.edges).toHaveLength(1);
      expect(ok(await server.gql(OWN_ENDPOINTS, {}, stranger.token)).viewerWebhookEndpoints.edges).toHaveLength(0);
      expect(codeOf(await server.gql(DELETE, { input: { id: webhookEndpoint.id } }, stranger.token))).toBe('NOT_FOUND');
      const mine = await createToken(server, user.token, 'PERSONAL', {} as never);
      const theirs = await createToken(server, stranger.token, 'PERSONAL', {} as never);
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: mine.id } }, user.token));
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: theirs.id } }, stranger.token));
      const rows = await deliveriesOf(webhookEndpoint.id);
      expect(rows.map((r) => JSON.parse(r.payload).data.token.id)).toEqual([mine.id]);
      ok(await server.gql(DELETE, { input: { id: webhookEndpoint.id } }, user.token));
      expect(await deliveriesOf(webhookEndpoint.id)).toHaveLength(0);
    });

    it('deletes an organization\'s endpoints and their deliveries with the organization', async () => {
      const { owner, hierarchy, endpoint } = await organizationWithEndpoint(['TOKEN_REVOKED']);
      const token = await createToken(server, owner.token, 'GROUP', hierarchy as never, { role: 'VIEWER' });
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: token.id } }, owner.token));
      expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
      ok(await server.gql(TOKEN_OPS.deleteOrganization, { input: { id: hierarchy.organizationId } }, owner.token));
      expect(await deliveriesOf(endpoint.id)).toHaveLength(0);
      expect(await server.db.query('SELECT id FROM webhook_endpoints WHERE id = ?', [endpoint.id])).toEqual([]);
    });

    it('refuses bad input: no events, not a URL, credentials in the URL', async () => {
      const { hierarchy, owner } = await organizationWithEndpoint();
      const create = (input: Record<string, unknown>) => server.gql(CREATE, { input: { organizationId: hierarchy.organizationId, url: receiver.url, events: ['TOKEN_REVOKED'], ...input } }, owner.token);
      expectBadInput(await create({ events: [] }), 'input.events');
      expectBadInput(await create({ url: 'not a url' }), 'input.url');
      expectBadInput(await create({ url: 'ftp://example.com/hook' }), 'input.url');
      expectBadInput(await create({ url: 'https://user:pw@example.com/hook' }), 'input.url');
    });
  });

  describe('delivery', () => {
    it('POSTs a signed JSON payload naming the token, never its secret, and logs the delivery', async () => {
      const { owner, hierarchy, endpoint, secret, received: receivedHere } = await organizationWithEndpoint();
      const token = await createToken(server, owner.token, 'PROJECT', hierarchy as never, { role: 'VIEWER', expiresAt: daysFromNow(60) });
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: token.id, reason: 'no longer needed' } }, owner.token));
      await deliver();
      expect(receivedHere()).toHaveLength(1);
      const [received] = receivedHere();
      expect(received.headers['content-type']).toBe('application/json');
      expect(received.headers['x-tessera-event']).toBe('token.revoked');
      expect(Math.abs(Number(received.headers['x-tessera-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(received.headers['x-tessera-signature']).toBe(expectedSignature(secret, received));
      expect(received.headers['x-tessera-signature']).not.toBe(expectedSignature(`${secret}x`, received));
      const payload = JSON.parse(received.body);
      expect(payload).toMatchObject({
        id: received.headers['x-tessera-delivery'],
        type: 'token.revoked',
        data: { token: { id: token.id, name: 'project token', level: 'PROJECT', resource: { type: 'PROJECT', id: hierarchy.projectId }, organizationId: hierarchy.organizationId, revocationReason: 'no longer needed' } },
      });
      expect(payload.data.token.expiresAt).toBe(token.accessToken.expiresAt);
      expect(received.body).not.toContain(randomPartOf(token.secret));
      const log = ok(await server.gql(DELIVERIES, { organizationId: hierarchy.organizationId }, owner.token)).organizationWebhookEndpoints.edges[0].node.deliveries;
      expect(log.edges[0].node).toMatchObject({ id: payload.id, eventType: 'token.revoked', status: 'DELIVERED', attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
      expect(endpoint.id).toBeDefined();
    });

    it('sends only the events an endpoint subscribed to; a rotation names the successor', async () => {
      const { owner, hierarchy, endpoint } = await organizationWithEndpoint(['TOKEN_ROTATED']);
      const token = await createToken(server, owner.token, 'ORGANIZATION', hierarchy as never, { role: 'VIEWER' });
      const rotated = ok(await server.gql(TOKEN_OPS.rotate, { input: { id: token.id, password: 'a-long-user-password' } }, owner.token)).rotateAccessToken;
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: rotated.accessToken.id } }, owner.token));
      const rows = await deliveriesOf(endpoint.id);
      expect(rows.map((r) => r.eventType)).toEqual(['token.rotated']);
      expect(JSON.parse(rows[0].payload).data).toMatchObject({ token: { id: token.id }, successorId: rotated.accessToken.id });
    });

    it("announces tokens revoked as leaked, as stale, and because their owner's credentials ended", async () => {
      const { owner, hierarchy, endpoint } = await organizationWithEndpoint(['TOKEN_LEAKED', 'TOKEN_REVOKED_STALE']);
      const leaked = await createToken(server, owner.token, 'GROUP', hierarchy as never, { role: 'VIEWER' });
      const stale = await createToken(server, owner.token, 'GROUP', hierarchy as never, { role: 'VIEWER', expiresAt: null });
      const report = await fetch(`${server.url}/tokens/leaked`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ secrets: [leaked.secret] }) });
      expect(report.status).toBe(202);
      ok(await server.gql(SET_STALE_POLICY, { input: { organizationId: hierarchy.organizationId, revokeUnusedAfterDays: 30 } }, owner.token));
      await ageToken(server, stale.id, 40, null);
      await server.services.staleTokens.sweep(systemContext(server, server.config));
      const payloads = (await deliveriesOf(endpoint.id)).map((r) => JSON.parse(r.payload));
      expect(payloads.map((p) => [p.type, p.data.token.id, p.data.token.revocationReason]).sort()).toEqual(
        [
          ['token.leaked', leaked.id, 'leaked'],
          ['token.revoked_stale', stale.id, 'unused for 30 days'],
        ].sort(),
      );

      const user = await createUser(server, admin, 'leaving');
      const personal = ok(await server.gql(CREATE, { input: { url: receiver.urlFor('personal'), events: ['TOKEN_OWNER_CREDENTIALS_ENDED'] } }, user.token)).createWebhookEndpoint.webhookEndpoint;
      const token = await createToken(server, user.token, 'PERSONAL', {} as never);
      ok(await server.gql(TOKEN_OPS.deactivateUser, { input: { id: user.id } }, admin));
      const [ended] = (await deliveriesOf(personal.id)).map((r) => JSON.parse(r.payload));
      expect(ended).toMatchObject({ type: 'token.owner_credentials_ended', data: { token: { id: token.id, ownerId: user.id, resource: null }, reason: 'owner deactivated' } });
    });

    it('retries a 500 with backoff, then succeeds', async () => {
      const { owner, hierarchy, endpoint, received } = await organizationWithEndpoint(['TOKEN_REVOKED']);
      const token = await createToken(server, owner.token, 'GROUP', hierarchy as never, { role: 'VIEWER' });
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: token.id } }, owner.token));
      receiver.fallback = 500;
      await deliver();
      let [row] = await deliveriesOf(endpoint.id);
      expect(row).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: 500, lastError: 'answered 500' });
      expect(row.nextAttemptAt!.getTime()).toBeGreaterThan(row.lastAttemptAt!.getTime());
      receiver.fallback = 200;
      await sleep(20);
      await deliver();
      [row] = await deliveriesOf(endpoint.id);
      expect(row).toMatchObject({ status: 'DELIVERED', attempts: 2, lastStatusCode: 200 });
      expect(received().map((r) => r.headers['x-tessera-delivery'])).toEqual([row.id, row.id]);
    });

    it(`gives up after ${MAX_ATTEMPTS} attempts (FAILED); an ADMIN redelivers it`, async () => {
      const { owner, hierarchy, endpoint, received } = await organizationWithEndpoint(['TOKEN_REVOKED']);
      const token = await createToken(server, owner.token, 'GROUP', hierarchy as never, { role: 'VIEWER' });
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: token.id } }, owner.token));
      receiver.fallback = 503;
      let [row] = await deliveriesOf(endpoint.id);
      while (row.status === 'PENDING') {
        await sleep(Math.max(0, (row.nextAttemptAt?.getTime() ?? 0) - Date.now()) + 2);
        await deliver();
        [row] = await deliveriesOf(endpoint.id);
      }
      expect(row).toMatchObject({ status: 'FAILED', attempts: MAX_ATTEMPTS, lastStatusCode: 503, nextAttemptAt: null });
      expect(received()).toHaveLength(MAX_ATTEMPTS);
      const stranger = await createUser(server, admin, 'stranger');
      expect(codeOf(await server.gql(REDELIVER, { input: { endpointId: endpoint.id, deliveryId: row.id } }, stranger.token))).toBe('NOT_FOUND');
      receiver.fallback = 200;
      const redelivered = ok(await server.gql(REDELIVER, { input: { endpointId: endpoint.id, deliveryId: row.id } }, owner.token)).redeliverWebhook;
      expect(redelivered.webhookDelivery).toMatchObject({ id: row.id, status: 'PENDING', attempts: 0 });
      await deliver();
      [row] = await deliveriesOf(endpoint.id);
      expect(row).toMatchObject({ status: 'DELIVERED', attempts: 1 });
      expect(await countAudit(server, { action: 'redeliverWebhook', targetId: endpoint.id, outcome: AuditOutcome.SUCCESS })).toBe(1);
    });

    it('counts a receiver that does not answer within the timeout as a failure, and follows no redirect', async () => {
      const { owner, hierarchy, endpoint, received } = await organizationWithEndpoint(['TOKEN_REVOKED']);
      const token = await createToken(server, owner.token, 'GROUP', hierarchy as never, { role: 'VIEWER' });
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: token.id } }, owner.token));
      receiver.delayMs = 1500;
      await deliver();
      let [row] = await deliveriesOf(endpoint.id);
      expect(row).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: null, lastError: 'no answer within 500 ms' });
      receiver.delayMs = 0;
      receiver.fallback = 302;
      await sleep(10);
      await deliver();
      [row] = await deliveriesOf(endpoint.id);
      expect(row).toMatchObject({ status: 'PENDING', attempts: 2, lastStatusCode: 302, lastError: 'answered 302' });
      expect(received()).toHaveLength(2);
    });

    it('shows the pending backlog as a metric', async () => {
      const { owner, hierarchy } = await organizationWithEndpoint(['TOKEN_REVOKED']);
      const token = await createToken(server, owner.token, 'GROUP', hierarchy as never, { role: 'VIEWER' });
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: token.id } }, owner.token));
      receiver.fallback = 500;
      await deliver();
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/^tessera_webhook_deliveries_pending [1-9]\d*$/m);
    });
  });

  describe('expiry events', () => {
    it('sends "expiring" once per threshold (30, 7, 1 days) and "expired" once, however often the scan runs', async () => {
      const { owner, hierarchy, endpoint } = await organizationWithEndpoint(['TOKEN_EXPIRING', 'TOKEN_EXPIRED']);
      const in5Days = await createToken(server, owner.token, 'GROUP', hierarchy as never, { role: 'VIEWER', expiresAt: daysFromNow(5) });
      await createToken(server, owner.token, 'GROUP', hierarchy as never, { role: 'VIEWER', expiresAt: daysFromNow(20) });
      await createToken(server, owner.token, 'GROUP', hierarchy as never, { role: 'VIEWER', expiresAt: daysFromNow(45) });
      const scan = (offsetDays = 0) => server.services.webhooks.scanExpiry(server.db, new Date(Date.now() + offsetDays * DAY_MS));
      await scan();
      await scan();
      const events = async () =>
        (await deliveriesOf(endpoint.id)).map((r) => {
          const payload = JSON.parse(r.payload);
          return `${payload.type} ${payload.data.token.id === in5Days.id ? '5d' : '20d'} ${payload.data.withinDays ?? ''}`.trim();
        });
      expect((await events()).sort()).toEqual(['token.expiring 20d 30', 'token.expiring 5d 7']);
      await scan(4.5);
      await scan(4.5);
      await scan(6);
      await scan(6);
      expect((await events()).sort()).toEqual(['token.expired 5d', 'token.expiring 20d 30', 'token.expiring 5d 1', 'token.expiring 5d 7']);
    });
  });
});

describe('webhooks: SSRF refusal', () => {
  let server: TestServer;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = new Receiver();
    await receiver.start();
    server = await startTestServer({ label: 'webhooks_ssrf', env: { TESSERA_WEBHOOK_POLL_MS: '600000' } });
  });
  afterAll(async () => {
    await server.stop();
    await receiver.stop();
  });

  it.each(['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/hook', 'http://192.168.0.1/', 'http://[::1]/hook', 'http://[::ffff:127.0.0.1]/hook', 'http://[fd00::1]/hook', 'http://100.64.0.1/'])(
    'refuses to register %s',
    async (url) => {
      const admin = await loginAsAdmin(server);
      expectBadInput(await server.gql(CREATE, { input: { url, events: ['TOKEN_REVOKED'] } }, admin), 'input.url');
    },
  );

  it('refuses to deliver to a private address after resolution, when the setting that allowed registering it is gone', async () => {
    // Registered by an instance that allows private targets; delivered by one that does not.
    const permissive: RunningServer = await startServer({ ...server.config, webhooks: { ...server.config.webhooks, allowPrivate: true } }, { print: () => undefined });
    try {
      const admin = await loginAsAdmin(server);
      const created = await fetch(`${permissive.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ query: CREATE, variables: { input: { url: receiver.url.replace('127.0.0.1', 'localhost'), events: ['TOKEN_REVOKED'] } } }),
      });
      const endpointId = ((await created.json()) as any).data.createWebhookEndpoint.webhookEndpoint.id;
      const token = ok(await server.gql(TOKEN_OPS.create, { input: { name: 'mine', scopes: ['api'], password: ADMIN_PASSWORD } }, admin)).createAccessToken;
      ok(await server.gql(TOKEN_OPS.revoke, { input: { id: token.accessToken.id } }, admin));
      await server.services.webhookDeliveries.deliverDue(server.db);
      const [row] = await server.db.manager.find(WebhookDeliveryEntity, { where: { endpointId } });
      expect(row).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: null });
      expect(row.lastError).toMatch(/refused address (127\.0\.0\.1|::1)/);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await permissive.stop();
    }
  });
});

describe('webhooks: several instances', () => {
  let first: TestServer;
  let second: RunningServer;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = new Receiver();
    await receiver.start();
    first = await startTestServer({ label: 'webhooks_scale', env: { TESSERA_WEBHOOKS_ALLOW_PRIVATE: 'true', TESSERA_WEBHOOK_POLL_MS: '600000' } });
    second = await startServer(first.config, { print: () => undefined });
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
    await receiver.stop();
  });

  it('claims each delivery on exactly one instance', async () => {
    const admin = await loginAsAdmin(first);
    const owner = await createUser(first, admin, 'owner');
    const hierarchy = await createHierarchy(first, owner.token);
    ok(await first.gql(CREATE, { input: { organizationId: hierarchy.organizationId, url: receiver.url, events: ['TOKEN_REVOKED'] } }, owner.token));
    const tokens = [];
    for (let i = 0; i < 30; i += 1) tokens.push(await createToken(first, owner.token, 'GROUP', hierarchy as never, { role: 'VIEWER', name: `t${i}` }));
    for (const token of tokens) ok(await first.gql(TOKEN_OPS.revoke, { input: { id: token.id } }, owner.token));
    receiver.delayMs = 20;
    let attempted = 0;
    for (let round = 0; round < 10; round += 1) {
      const claimed = await Promise.all([first, second, first, second].map((instance) => instance.services.webhookDeliveries.deliverDue(instance.db)));
      attempted += claimed.reduce((sum, n) => sum + n, 0);
      if (claimed.every((n) => n === 0)) break;
    }
    const ids = receiver.received.map((r) => r.headers['x-tessera-delivery']);
    expect(attempted).toBe(ids.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(30);
  });

  it(testDatabase() === 'mysql' ? 'writes each expiry notice once when every instance scans at the same time' : 'writes each expiry notice once when a second instance scans after the first (one instance is the supported SQLite setup)', async () => {
    const admin = await loginAsAdmin(first);
    const owner = await createUser(first, admin, 'expiry-owner');
    const hierarchy = await createHierarchy(first, owner.token);
    const endpoint = ok(await first.gql(CREATE, { input: { organizationId: hierarchy.organizationId, url: receiver.url, events: ['TOKEN_EXPIRING'] } }, owner.token)).createWebhookEndpoint.webhookEndpoint;
    const tokens = [];
    for (let i = 0; i < 10; i += 1) tokens.push(await createToken(first, owner.token, 'PROJECT', hierarchy as never, { role: 'VIEWER', name: `e${i}`, expiresAt: daysFromNow(3) }));
    const scans = [first, second, first, second].map((instance) => () => instance.services.webhooks.scanExpiry(instance.db));
    if (testDatabase() === 'mysql') await Promise.all(scans.map((scan) => scan()));
    else for (const scan of scans) await scan();
    const rows = await first.db.manager.find(WebhookDeliveryEntity, { where: { endpointId: endpoint.id } });
    expect(rows.map((r) => JSON.parse(r.payload).data.token.id).sort()).toEqual(tokens.map((t) => t.id).sort());
  });
});
