import { TestServer } from './test-server';
import { USER_PASSWORD, ok } from './fixtures';

const CREATE = 'mutation($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { secret accessToken { id } } }';

/** Creates an access token through the API (as `sessionToken`) and returns its id and secret. */
export async function issueToken(server: TestServer, sessionToken: string, input: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const data = ok(await server.gql(CREATE, { input: { name: 'test token', password: USER_PASSWORD, ...input } }, sessionToken));
  return { id: data.createAccessToken.accessToken.id, secret: data.createAccessToken.secret };
}

/** The secret with its last character changed, so its checksum no longer matches (a typo, not an unknown token). */
export const withBadChecksum = (secret: string): string => `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;

/** POSTs a form-encoded introspection request (RFC 7662). */
export async function introspect(server: TestServer, callerSecret: string | null, token: string | null, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/oauth/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(callerSecret ? { authorization: `Bearer ${callerSecret}` } : {}), ...headers },
    body: token === null ? '' : new URLSearchParams({ token }).toString(),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}
