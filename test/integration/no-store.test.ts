import { GraphQLObjectType, getNamedType, isObjectType } from 'graphql';
import { buildTesseraSchema } from '../../src/schema';
import { ADMIN_EMAIL, ADMIN_PASSWORD, GraphQLResponse, TestServer, startTestServer } from '../support/test-server';
import { loginAsAdmin, ok } from '../support/fixtures';

const SECRET_FIELD = /secret|sessionToken|refreshToken/i;

/** Mutations whose payload (at any depth of object fields) has a field that carries a secret. */
async function secretCarryingMutations(): Promise<string[]> {
  const schema = await buildTesseraSchema();
  const carries = (type: GraphQLObjectType, seen = new Set<string>()): boolean => {
    if (seen.has(type.name)) return false;
    seen.add(type.name);
    return Object.values(type.getFields()).some((field) => {
      const named = getNamedType(field.type);
      return (SECRET_FIELD.test(field.name) && !/hint/i.test(field.name)) || (isObjectType(named) && carries(named, seen));
    });
  };
  return Object.values(schema.getMutationType()!.getFields())
    .filter((field) => {
      const payload = getNamedType(field.type);
      return isObjectType(payload) && carries(payload);
    })
    .map((field) => field.name)
    .sort();
}

describe('responses that carry a secret are never cached', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ label: 'nostore' });
    admin = await loginAsAdmin(server);
  });
  afterAll(() => server.stop());

  const calls: Record<string, () => Promise<GraphQLResponse>> = {
    login: () => server.gql('mutation($input: LoginInput!) { login(input: $input) { sessionToken } }', { input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }),
    createAccessToken: () =>
      server.gql('mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret } }', { input: { name: 'cached?', scopes: ['api'], password: ADMIN_PASSWORD } }, admin),
    rotateAccessToken: async () => {
      const created = ok(
        await server.gql('mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { accessToken { id } } }', { input: { name: 'rotated', scopes: ['api'], password: ADMIN_PASSWORD } }, admin),
      );
      return server.gql('mutation($input: RotateAccessTokenInput!) { rotateAccessToken(input: $input) { secret } }', { input: { id: created.createAccessToken.accessToken.id, password: ADMIN_PASSWORD } }, admin);
    },
    createOAuthClient: () =>
      server.gql('mutation($input: CreateOAuthClientInput!) { createOAuthClient(input: $input) { clientSecret } }', { input: { clientId: `c-${Date.now()}`, name: 'Cached?', type: 'CONFIDENTIAL' } }, admin),
    rotateOAuthClientSecret: async () => {
      const created = ok(
        await server.gql('mutation($input: CreateOAuthClientInput!) { createOAuthClient(input: $input) { oauthClient { id } } }', { input: { clientId: `r-${Date.now()}`, name: 'Rotated', type: 'CONFIDENTIAL' } }, admin),
      );
      return server.gql('mutation($input: RotateOAuthClientSecretInput!) { rotateOAuthClientSecret(input: $input) { clientSecret } }', { input: { id: created.createOAuthClient.oauthClient.id } }, admin);
    },
    updateOAuthClient: async () => {
      const created = ok(
        await server.gql('mutation($input: CreateOAuthClientInput!) { createOAuthClient(input: $input) { oauthClient { id } } }', { input: { clientId: `u-${Date.now()}`, name: 'Renamed' } }, admin),
      );
      return server.gql('mutation($input: UpdateOAuthClientInput!) { updateOAuthClient(input: $input) { clientSecret } }', { input: { id: created.createOAuthClient.oauthClient.id, name: 'Renamed again' } }, admin);
    },
    // A public literal address: registration needs no DNS, and no event here is delivered to it.
    createWebhookEndpoint: () =>
      server.gql('mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }', { input: { url: 'https://93.184.216.34/hook', events: ['TOKEN_EXPIRED'] } }, admin),
    updateWebhookEndpoint: async () => {
      const created = ok(
        await server.gql('mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { webhookEndpoint { id } } }', { input: { url: 'https://93.184.216.34/hook', events: ['TOKEN_EXPIRED'] } }, admin),
      );
      return server.gql('mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { secret } }', { input: { id: created.createWebhookEndpoint.webhookEndpoint.id, enabled: false } }, admin);
    },
  };

  it('covers every mutation whose payload carries a secret', async () => {
    expect(await secretCarryingMutations()).toEqual(Object.keys(calls).sort());
  });

  it.each(Object.keys(calls))('%s answers with Cache-Control: no-store and Pragma: no-cache', async (name) => {
    const response = await calls[name]();
    ok(response);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
  });

  it('also marks refused and query answers no-store', async () => {
    const refused = await server.gql('{ viewer { authMethod } }', {}, 'tspat_not-a-token');
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });
});
