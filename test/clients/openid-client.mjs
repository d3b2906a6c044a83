// Drives Tessera's OAuth endpoints through openid-client v6 (ESM-only, so jest runs this file with
// `node`), as an add-on or resource server would: discovery() of the RFC 8414 metadata, then
// refreshTokenGrant, tokenIntrospection and tokenRevocation. Reads TESSERA_URL and OIDC_INPUT
// (JSON: { clientId, auth: "none" | "basic" | "post", clientSecret?, refreshToken, introspectToken? })
// from the environment; writes one JSON object of what each step answered to stdout. A step that
// throws records the error the library raised instead of stopping the run.
import * as client from 'openid-client';

const input = JSON.parse(process.env.OIDC_INPUT);
const issuer = new URL(process.env.TESSERA_URL);
const authOf = { none: () => client.None(), basic: () => client.ClientSecretBasic(input.clientSecret), post: () => client.ClientSecretPost(input.clientSecret) };

/**
 * The step's result, or the error openid-client raised: its class, HTTP status, the OAuth error code
 * (for a WWW-Authenticate challenge error, read from the response body) and the challenges.
 */
async function step(run) {
  try {
    return { ok: true, value: (await run()) ?? null };
  } catch (error) {
    const challenges = Array.isArray(error.cause) ? error.cause.map(({ scheme, parameters }) => ({ scheme, parameters })) : undefined;
    const body = error.response && !error.response.bodyUsed ? await error.response.json().catch(() => undefined) : undefined;
    return { ok: false, name: error.name, code: error.code, error: error.error ?? body?.error, status: error.status ?? error.cause?.status, challenges, message: error.message };
  }
}

const results = {};
// RFC 8414 metadata (not OpenID Connect's); the test issuer is plain http on 127.0.0.1.
const discovered = await step(() => client.discovery(issuer, input.clientId, undefined, authOf[input.auth](), { algorithm: 'oauth2', execute: [client.allowInsecureRequests] }));
if (!discovered.ok) {
  process.stdout.write(JSON.stringify({ discovery: discovered }));
  process.exit(0);
}
const config = discovered.value;
const metadata = config.serverMetadata();
results.discovery = { ok: true, value: { issuer: metadata.issuer, token_endpoint: metadata.token_endpoint, revocation_endpoint: metadata.revocation_endpoint, introspection_endpoint: metadata.introspection_endpoint } };

/** The same configuration, sending a bearer token with the introspect scope (how a public client or a resource server without a secret introspects). */
function withBearer(token) {
  const bearer = new client.Configuration(metadata, input.clientId, undefined, authOf[input.auth]());
  client.allowInsecureRequests(bearer);
  bearer[client.customFetch] = (url, options) => fetch(url, { ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });
  return bearer;
}

const tokens = (response) => ({ access_token: response.access_token, refresh_token: response.refresh_token, token_type: response.token_type, expires_in: response.expiresIn(), scope: response.scope });

results.refresh = await step(async () => tokens(await client.refreshTokenGrant(config, input.refreshToken)));
const pair = results.refresh.ok ? results.refresh.value : {};
results.refreshAgain = await step(async () => tokens(await client.refreshTokenGrant(config, pair.refresh_token)));
const latest = results.refreshAgain.ok ? results.refreshAgain.value : pair;
results.introspectAccess = await step(() => client.tokenIntrospection(config, latest.access_token));
results.introspectRefresh = await step(() => client.tokenIntrospection(config, latest.refresh_token, { token_type_hint: 'refresh_token' }));
if (input.introspectToken) results.introspectAccessAsBearer = await step(() => client.tokenIntrospection(withBearer(input.introspectToken), latest.access_token));
results.revokeAccess = await step(() => client.tokenRevocation(config, latest.access_token, { token_type_hint: 'access_token' }));
results.introspectRevokedAccess = await step(() => client.tokenIntrospection(input.introspectToken ? withBearer(input.introspectToken) : config, latest.access_token));
results.revokeRefresh = await step(() => client.tokenRevocation(config, latest.refresh_token, { token_type_hint: 'refresh_token' }));
results.refreshRevoked = await step(() => client.refreshTokenGrant(config, latest.refresh_token));
results.revokeUnknown = await step(() => client.tokenRevocation(config, 'tsrft_000000000000000000000000000000_000000'));
process.stdout.write(JSON.stringify(results));
