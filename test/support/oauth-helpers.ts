import { USER_PASSWORD, ok } from './fixtures';
import { TestServer } from './test-server';

export const CREATE_CLIENT = `mutation($input: CreateOAuthClientInput!) { createOAuthClient(input: $input) {
  oauthClient { id clientId name type secretHint accessTokenLifetimeSeconds refreshTokenLifetimeDays } clientSecret } }`;
const CREATE_TOKEN = `mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) {
  secret refreshToken refreshTokenExpiresAt accessToken { id kind level expiresAt hint } } }`;

export interface OAuthResponse {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}

export interface ClientToken {
  id: string;
  secret: string;
  refreshToken: string;
  refreshTokenExpiresAt: string | null;
  expiresAt: string;
}

/** POSTs a form-encoded request to one of the OAuth endpoints, with extra headers (e.g. HTTP Basic). */
export async function postForm(server: TestServer, path: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<OAuthResponse> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}

/** The HTTP Basic header of RFC 6749 §2.3.1: id and secret form-encoded, then base64. */
export const basicAuth = (clientId: string, secret: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});

/** The refresh grant for a public client (client_id in the form). */
export const refresh = (server: TestServer, clientId: string, refreshToken: string, extra: Record<string, string> = {}): Promise<OAuthResponse> =>
  postForm(server, '/oauth/token', { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken, ...extra });

/** Registers an OAuth client as the admin; `clientSecret` is set for confidential clients. */
export async function createOAuthClient(server: TestServer, adminToken: string, input: Record<string, unknown>): Promise<{ id: string; clientId: string; clientSecret: string | null }> {
  const data = ok(await server.gql(CREATE_CLIENT, { input: { name: String(input.clientId), ...input } }, adminToken)).createOAuthClient;
  return { id: data.oauthClient.id, clientId: data.oauthClient.clientId, clientSecret: data.clientSecret };
}

/** Creates a CLIENT token for `oauthClientId` (the client's UUID) as the signed-in user. */
export async function createClientToken(server: TestServer, sessionToken: string, oauthClientId: string, input: Record<string, unknown> = {}): Promise<ClientToken> {
  const data = ok(await server.gql(CREATE_TOKEN, { input: { kind: 'CLIENT', name: 'PyDC', scopes: ['api'], oauthClientId, password: USER_PASSWORD, ...input } }, sessionToken));
  const created = data.createAccessToken;
  return { id: created.accessToken.id, secret: created.secret, refreshToken: created.refreshToken, refreshTokenExpiresAt: created.refreshTokenExpiresAt, expiresAt: created.accessToken.expiresAt };
}

/** Creates a personal access token with these scopes as the signed-in user; returns its secret. */
export async function createPersonalToken(server: TestServer, sessionToken: string, scopes: string[]): Promise<string> {
  const data = ok(await server.gql('mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret } }', { input: { name: scopes.join(' '), scopes, password: USER_PASSWORD } }, sessionToken));
  return data.createAccessToken.secret;
}
