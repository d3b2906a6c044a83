import { TokenUsageEntity, TokenUsageOutcome } from '../../../src/modules/token-usage/token-usage.entity';
import { TestServer, startTestServer } from '../../support/test-server';
import { codeOf, createHierarchy, createUser, loginAsAdmin, ok } from '../../support/fixtures';
import { createOAuthClient } from '../../support/oauth-helpers';
import { Hierarchy, IssuedToken, TOKEN_OPS, createToken, expectBadInput, passwordFor, withoutWrites } from '../../support/token-fixtures';

const LIST = 'query($id: ID!) { accessToken(id: $id) { allowedAddresses } }';
const ROTATE = 'mutation($input: RotateAccessTokenInput!) { rotateAccessToken(input: $input) { secret accessToken { id allowedAddresses } } }';
const SET_POLICY = 'mutation($input: SetTokenPolicyInput!) { setTokenPolicy(input: $input) { tokenPolicy { requireAllowedAddresses allowedAddressRanges } } }';

/** The request comes from `address`: the server trusts one proxy (TESSERA_TRUST_PROXY=1), so X-Forwarded-For names the client. */
const from = (address: string): Record<string, string> => ({ 'x-forwarded-for': address });

describe('per-token address allowlists', () => {
  let server: TestServer;
  let owner: { id: string; token: string };
  let hierarchy: Hierarchy;
  /** An organization resource server: introspects the organization's tokens. */
  let introspector: IssuedToken;

  const viewerStatus = async (secret: string, address: string): Promise<number> => (await server.gql(TOKEN_OPS.viewer, {}, secret, from(address))).status;
  const groupToken = (allowedAddresses: string[] | null, input: Record<string, unknown> = {}) => createToken(server, owner.token, 'GROUP', hierarchy, { allowedAddresses, ...input });

  /** RFC 7662 with the end client's address as `client_address` (omitted when undefined), sent from `requestFrom`. */
  async function introspectFor(callerSecret: string, token: string, clientAddress?: string, requestFrom = '192.0.2.1') {
    const response = await fetch(`${server.url}/oauth/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${callerSecret}`, ...from(requestFrom) },
      body: new URLSearchParams({ token, ...(clientAddress === undefined ? {} : { client_address: clientAddress }) }).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function usesOf(tokenId: string): Promise<Array<Pick<TokenUsageEntity, 'operation' | 'clientAddress' | 'outcome'>>> {
    await server.services.usageRecorder.flush();
    const rows = await server.db.manager.find(TokenUsageEntity, { where: { tokenId }, order: { id: 'ASC' } });
    return rows.map(({ operation, clientAddress, outcome }) => ({ operation, clientAddress, outcome }));
  }

  beforeAll(async () => {
    server = await startTestServer({ label: 'allowlists', env: { TESSERA_TRUST_PROXY: '1', TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_ADDRESS: '100000', TESSERA_TOKEN_AUTH_MAX_FAILURES_PER_CREDENTIAL: '100000' } });
    owner = await createUser(server, await loginAsAdmin(server), 'owner');
    hierarchy = await createHierarchy(server, owner.token);
    introspector = await createToken(server, owner.token, 'ORGANIZATION', hierarchy, { name: 'resource server', scopes: ['introspect'] });
  });
  afterAll(() => server.stop());

  describe('on GraphQL', () => {
    it.each([
      ['a single IPv4 address', ['203.0.113.7'], '203.0.113.7', '203.0.113.8'],
      ['an IPv4 CIDR range', ['10.0.0.0/8'], '10.20.30.40', '11.0.0.1'],
      ['an IPv6 CIDR range', ['2001:db8::/32'], '2001:db8:1::5', '2001:db9::1'],
      ['a single IPv6 address, written in upper case', ['2001:DB8::7'], '2001:db8::7', '2001:db8::8'],
      ['an IPv4-mapped IPv6 range (kept as IPv4)', ['::ffff:198.51.100.0/120'], '198.51.100.9', '198.51.101.9'],
      ['an IPv4 range, for a client seen as IPv4-mapped IPv6', ['198.51.100.0/24'], '::ffff:198.51.100.9', '::ffff:198.51.101.9'],
      ['an IPv4 range, for an IPv6 client', ['0.0.0.0/0'], '192.0.2.1', '2001:db8::1'],
    ])('%s: admits %s from inside, answers 401 from outside', async (_label, list, inside, outside) => {
      const token = await groupToken(list);
      expect(await viewerStatus(token.secret, inside)).toBe(200);
      const refused = await server.gql(TOKEN_OPS.viewer, {}, token.secret, from(outside));
      expect(refused.status).toBe(401);
      expect(codeOf(refused)).toBe('UNAUTHENTICATED');
      expect(refused.headers.get('www-authenticate')).toContain('invalid_token');
    });

    it('records a refused use as REFUSED with the address, next to the successful ones', async () => {
      const token = await groupToken(['10.0.0.0/8']);
      expect(await viewerStatus(token.secret, '10.0.0.1')).toBe(200);
      expect(await viewerStatus(token.secret, '172.16.0.1')).toBe(401);
      expect(await usesOf(token.id)).toEqual([
        { operation: 'query viewer', clientAddress: '10.0.0.1', outcome: TokenUsageOutcome.SUCCESS },
        { operation: 'graphql', clientAddress: '172.16.0.1', outcome: TokenUsageOutcome.REFUSED },
      ]);
    });

    it('checks the address on every use, also once the token is cached', async () => {
      const token = await groupToken(['10.0.0.0/8']);
      for (let i = 0; i < 3; i += 1) {
        expect(await viewerStatus(token.secret, '10.1.1.1')).toBe(200);
        expect(await viewerStatus(token.secret, '192.0.2.55')).toBe(401);
      }
    });

    it('restricts nothing without a list', async () => {
      const token = await groupToken(null);
      expect(await viewerStatus(token.secret, '192.0.2.1')).toBe(200);
      expect(await viewerStatus(token.secret, '2001:db8::1')).toBe(200);
      expect(ok(await server.gql(LIST, { id: token.id }, owner.token)).accessToken.allowedAddresses).toBeNull();
    });

    it('stores the list normalised: canonical text, mapped IPv6 as IPv4, a single address without prefix, duplicates once', async () => {
      const token = await groupToken(['::ffff:10.0.0.0/104', '2001:DB8:0:0::/32', '10.0.0.0/8', '192.0.2.1/32', '2001:db8::1/128']);
      expect(ok(await server.gql(LIST, { id: token.id }, owner.token)).accessToken.allowedAddresses).toEqual(['10.0.0.0/8', '2001:db8::/32', '192.0.2.1', '2001:db8::1']);
    });
  });

  describe('on introspection', () => {
    let subject: IssuedToken;
    beforeAll(async () => {
      subject = await groupToken(['10.0.0.0/8', '2001:db8::/32']);
    });

    it.each([
      ['an IPv4 end client inside', '10.9.8.7', true],
      ['an IPv6 end client inside', '2001:db8::abcd', true],
      ['an IPv4-mapped end client inside', '::ffff:10.9.8.7', true],
      ['an end client outside', '192.0.2.1', false],
    ])('checks client_address, the end client\'s, not the resource server\'s: %s is %s', async (_label, clientAddress, active) => {
      const { status, body } = await introspectFor(introspector.secret, subject.secret, clientAddress, '10.0.0.1');
      expect(status).toBe(200);
      expect(body.active).toBe(active);
      if (!active) expect(body).toEqual({ active: false });
    });

    it('answers inactive for a token with a list when no client_address is sent (fail closed), and records the refusal', async () => {
      const token = await groupToken(['10.0.0.0/8']);
      expect((await introspectFor(introspector.secret, token.secret, undefined, '10.0.0.1')).body).toEqual({ active: false });
      expect((await introspectFor(introspector.secret, token.secret, '172.16.5.5')).body).toEqual({ active: false });
      expect(await usesOf(token.id)).toEqual([
        { operation: 'introspection', clientAddress: null, outcome: TokenUsageOutcome.REFUSED },
        { operation: 'introspection', clientAddress: '172.16.5.5', outcome: TokenUsageOutcome.REFUSED },
      ]);
    });

    it('needs no client_address for a token without a list', async () => {
      const token = await groupToken(null);
      expect((await introspectFor(introspector.secret, token.secret)).body.active).toBe(true);
    });

    it('refuses a client_address that is not an IP address with 400 invalid_request', async () => {
      for (const bad of ['somewhere', '10.0.0.0/8', '']) {
        const { status, body } = await introspectFor(introspector.secret, subject.secret, bad);
        expect({ status, error: body.error }).toEqual({ status: 400, error: 'invalid_request' });
      }
    });

    it("checks the introspect token's own list against the resource server's address", async () => {
      const fenced = await createToken(server, owner.token, 'ORGANIZATION', hierarchy, { name: 'fenced resource server', scopes: ['introspect'], allowedAddresses: ['192.0.2.0/24'] });
      expect((await introspectFor(fenced.secret, subject.secret, '10.1.1.1', '192.0.2.10')).body.active).toBe(true);
      const outside = await introspectFor(fenced.secret, subject.secret, '10.1.1.1', '198.51.100.1');
      expect({ status: outside.status, error: outside.body.error }).toEqual({ status: 401, error: 'invalid_token' });
    });
  });

  describe('input', () => {
    it.each([
      ['text', 'not-an-ip'],
      ['an octal IPv4 part', '010.0.0.1'],
      ['a short IPv4 form', '127.1'],
      ['a prefix too long', '10.0.0.0/33'],
      ['a zone', 'fe80::1%eth0'],
      ['a zone in a range', 'fe80::%eth0/64'],
      ['host bits under the prefix', '10.1.2.3/8'],
      ['an IPv4-mapped range shorter than /96', '::ffff:0:0/95'],
      ['an empty entry', ''],
    ])('refuses %s with BAD_USER_INPUT naming the entry, and writes nothing', async (_label, entry) => {
      const response = await withoutWrites(server, () =>
        server.gql(TOKEN_OPS.create, { input: { name: 'bad list', scopes: ['api'], groupId: hierarchy.groupId, ...passwordFor(owner.token), allowedAddresses: ['10.0.0.1', entry] } }, owner.token),
      );
      expectBadInput(response, 'input.allowedAddresses[1]');
      expect(response.errors![0].message).toContain('input.allowedAddresses[1]');
    });

    it('suggests the network when host bits are set', async () => {
      const response = await server.gql(TOKEN_OPS.create, { input: { name: 'bad', scopes: ['api'], groupId: hierarchy.groupId, ...passwordFor(owner.token), allowedAddresses: ['10.1.2.3/16'] } }, owner.token);
      expect(response.errors![0].extensions.fields).toEqual([expect.objectContaining({ field: 'input.allowedAddresses[0]', message: expect.stringContaining('did you mean 10.1.0.0/16?') })]);
    });

    it.each([
      ['an empty list', []],
      ['more than 32 entries', Array.from({ length: 33 }, (_, i) => `10.0.0.${i}`)],
    ])('refuses %s', async (_label, list) => {
      const response = await withoutWrites(server, () =>
        server.gql(TOKEN_OPS.create, { input: { name: 'bad list', scopes: ['api'], groupId: hierarchy.groupId, ...passwordFor(owner.token), allowedAddresses: list } }, owner.token),
      );
      expectBadInput(response, 'input.allowedAddresses');
    });

    it('refuses a list on a CLIENT token, which its OAuth client renews without one', async () => {
      const client = await createOAuthClient(server, await loginAsAdmin(server), { clientId: 'fenced-addon', name: 'Add-on' });
      const response = await withoutWrites(server, () =>
        server.gql(TOKEN_OPS.create, { input: { name: 'client', kind: 'CLIENT', oauthClientId: client.id, scopes: ['api'], ...passwordFor(owner.token), allowedAddresses: ['10.0.0.1'] } }, owner.token),
      );
      expectBadInput(response, 'input.allowedAddresses');
    });
  });

  describe('rotation', () => {
    it('inherits the list, or replaces it when given (null removes it)', async () => {
      const token = await groupToken(['10.0.0.0/8']);
      const kept = ok(await server.gql(ROTATE, { input: { id: token.id, ...passwordFor(owner.token) } }, owner.token)).rotateAccessToken;
      expect(kept.accessToken.allowedAddresses).toEqual(['10.0.0.0/8']);
      expect(await viewerStatus(kept.secret, '11.0.0.1')).toBe(401);
      const replaced = ok(await server.gql(ROTATE, { input: { id: kept.accessToken.id, allowedAddresses: ['11.0.0.0/8'], ...passwordFor(owner.token) } }, owner.token)).rotateAccessToken;
      expect(replaced.accessToken.allowedAddresses).toEqual(['11.0.0.0/8']);
      expect(await viewerStatus(replaced.secret, '11.0.0.1')).toBe(200);
      const removed = ok(await server.gql(ROTATE, { input: { id: replaced.accessToken.id, allowedAddresses: null, ...passwordFor(owner.token) } }, owner.token)).rotateAccessToken;
      expect(removed.accessToken.allowedAddresses).toBeNull();
    });
  });

  describe('organization policy', () => {
    let policyOwner: { id: string; token: string };
    let fenced: Hierarchy;
    const setPolicy = (input: Record<string, unknown>) => server.gql(SET_POLICY, { input: { organizationId: fenced.organizationId, ...input } }, policyOwner.token);
    const create = (allowedAddresses: string[] | null, level: 'ORGANIZATION' | 'PROJECT' | 'PERSONAL' = 'PROJECT') =>
      server.gql(TOKEN_OPS.create, { input: { name: 'under policy', scopes: level === 'ORGANIZATION' ? ['introspect'] : ['api'], ...(level === 'PROJECT' ? { projectId: fenced.projectId } : level === 'ORGANIZATION' ? { organizationId: fenced.organizationId } : {}), ...passwordFor(policyOwner.token), allowedAddresses } }, policyOwner.token);

    beforeAll(async () => {
      policyOwner = await createUser(server, await loginAsAdmin(server), 'policy-owner');
      fenced = await createHierarchy(server, policyOwner.token);
    });
    afterEach(() => setPolicy({}));

    it('can require a list for organization, group and project tokens (not personal ones)', async () => {
      expect(ok(await setPolicy({ requireAllowedAddresses: true })).setTokenPolicy.tokenPolicy).toEqual({ requireAllowedAddresses: true, allowedAddressRanges: null });
      for (const level of ['PROJECT', 'ORGANIZATION'] as const) {
        const refused = await create(null, level);
        expectBadInput(refused, 'input.allowedAddresses');
        expect(refused.errors![0].extensions.fields).toEqual([expect.objectContaining({ constraint: 'tokenPolicy' })]);
        ok(await create(['203.0.113.0/24'], level));
      }
      ok(await create(null, 'PERSONAL'));
    });

    it('can cap the ranges: every entry must lie inside one of them, and a list is then required', async () => {
      expect(ok(await setPolicy({ allowedAddressRanges: ['10.0.0.0/8', '2001:DB8::/32'] })).setTokenPolicy.tokenPolicy).toEqual({ requireAllowedAddresses: false, allowedAddressRanges: ['10.0.0.0/8', '2001:db8::/32'] });
      ok(await create(['10.1.0.0/16', '10.2.3.4', '2001:db8:5::/48']));
      for (const outside of [['10.1.0.0/16', '11.0.0.1'], ['0.0.0.0/0'], ['2001:db9::/32'], ['::/0']]) {
        const refused = await create(outside);
        expectBadInput(refused, 'input.allowedAddresses');
        expect(refused.errors![0].message).toMatch(/outside the ranges the organization's token policy allows/);
      }
      expectBadInput(await create(null), 'input.allowedAddresses');
    });

    it('refuses a rotation that would keep a list the policy no longer allows (CONFLICT), and accepts a new one within it', async () => {
      const token = ok(await create(['192.0.2.0/24'])).createAccessToken;
      ok(await setPolicy({ allowedAddressRanges: ['10.0.0.0/8'] }));
      const kept = await withoutWrites(server, () => server.gql(ROTATE, { input: { id: token.accessToken.id, ...passwordFor(policyOwner.token) } }, policyOwner.token));
      expect(codeOf(kept)).toBe('CONFLICT');
      expectBadInput(await server.gql(ROTATE, { input: { id: token.accessToken.id, allowedAddresses: ['192.0.2.0/24'], ...passwordFor(policyOwner.token) } }, policyOwner.token), 'input.allowedAddresses');
      const replaced = ok(await server.gql(ROTATE, { input: { id: token.accessToken.id, allowedAddresses: ['10.0.0.0/24'], ...passwordFor(policyOwner.token) } }, policyOwner.token));
      expect(replaced.rotateAccessToken.accessToken.allowedAddresses).toEqual(['10.0.0.0/24']);
    });

    it('refuses a bad range in the policy, naming it', async () => {
      expectBadInput(await setPolicy({ allowedAddressRanges: ['10.0.0.0/8', '10.0.0.0/33'] }), 'input.allowedAddressRanges[1]');
    });
  });

  describe('a token caller with a list', () => {
    it('passes on no list wider than its own', async () => {
      const automation = await createToken(server, owner.token, 'PERSONAL', hierarchy, { name: 'fenced automation', scopes: ['api'], allowedAddresses: ['10.0.0.0/8'] });
      const make = (allowedAddresses: string[] | null) =>
        server.gql(TOKEN_OPS.create, { input: { name: 'made by a fenced token', scopes: ['api'], groupId: hierarchy.groupId, allowedAddresses } }, automation.secret, from('10.0.0.5'));
      ok(await make(['10.1.0.0/16']));
      for (const wider of [['11.0.0.0/8'], null]) {
        const refused = await make(wider);
        expectBadInput(refused, 'input.allowedAddresses');
        expect(refused.errors![0].extensions.fields).toEqual([expect.objectContaining({ constraint: 'addressCeiling' })]);
      }
    });
  });
});
