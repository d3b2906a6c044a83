import { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Scope } from '../access-token/access-token.scopes';
import { AppConfig } from '../../core/config/config';
import { writeJson } from '../../core/http/form';
import { INTROSPECTION_PATH } from '../introspection/introspection.handler';
import { REVOCATION_PATH, TOKEN_PATH } from './oauth-endpoints.handler';

export const METADATA_PATH = '/.well-known/oauth-authorization-server';

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'];

/** The path of a request URL without its query string and trailing slashes (`/oauth/token/?x` → `/oauth/token`). */
const pathOf = (url: string | undefined): string => (url ?? '/').split('?')[0].replace(/(.)\/+$/, '$1');

/**
 * Keycloak's endpoint paths (`[/auth]/realms/<realm>/protocol/openid-connect/…`), served by the same
 * handlers as /oauth/*, so a DataChain add-on configured with a Keycloak token URL migrates by
 * changing the host only.
 */
const KEYCLOAK_PATH = /^(?:\/auth)?\/realms\/([^/]+)\/protocol\/openid-connect\/(token|revoke|token\/introspect)$/;
const KEYCLOAK_ENDPOINTS: Record<string, string> = { token: TOKEN_PATH, revoke: REVOCATION_PATH, 'token/introspect': INTROSPECTION_PATH };

/** The realm named by a path segment, or null when its percent-encoding is malformed. */
function realmOf(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

const firstHeader = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)?.split(',')[0].trim() || undefined;

/** The issuer: TESSERA_ISSUER, else this request's origin (X-Forwarded-Proto/Host only behind trusted proxies). */
function issuerOf(req: IncomingMessage, config: AppConfig): string {
  if (config.issuer) return config.issuer;
  const behindProxy = config.trustProxy > 0;
  const proto = (behindProxy && firstHeader(req.headers['x-forwarded-proto'])) || ((req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
  const host = (behindProxy && firstHeader(req.headers['x-forwarded-host'])) || req.headers.host || 'localhost';
  return `${proto}://${host}`;
}

/** RFC 8414 authorization server metadata, for OAuth libraries' discovery (e.g. openid-client `discovery()`). */
export function authorizationServerMetadata(issuer: string): Record<string, unknown> {
  return {
    issuer,
    token_endpoint: `${issuer}${TOKEN_PATH}`,
    revocation_endpoint: `${issuer}${REVOCATION_PATH}`,
    introspection_endpoint: `${issuer}${INTROSPECTION_PATH}`,
    grant_types_supported: ['refresh_token'],
    // No authorization endpoint: CLIENT tokens are created in the product's token page, then refreshed here.
    response_types_supported: [],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    // A confidential client, or (not an RFC 8414 method) a bearer token with the introspect scope.
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: Object.values(Scope),
  };
}

/**
 * Routes the OAuth endpoints (POST only; a query string or trailing slash is ignored), under
 * /oauth/* and Keycloak's paths (any realm, or only TESSERA_KEYCLOAK_REALM), and the discovery
 * document, on the lean node:http path. Other methods answer 405 with `Allow`; with
 * TESSERA_CORS_ORIGINS set, browsers get CORS preflights and headers. Returns the route name for
 * metrics when it answered, or null to hand the request on.
 */
export function createOAuthRouter(config: AppConfig, endpoints: Record<string, { route: string; handle: RequestListener }>): (req: IncomingMessage, res: ServerResponse) => string | null {
  const anyOrigin = config.corsOrigins.includes('*');
  const allowedOrigin = (req: IncomingMessage): string | null => {
    const origin = req.headers.origin;
    if (!origin || !config.corsOrigins.length) return null;
    return anyOrigin || config.corsOrigins.includes(origin) ? origin : null;
  };
  return (req, res) => {
    const path = pathOf(req.url);
    const origin = allowedOrigin(req);
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
    }
    if (path === METADATA_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        writeJson(res, 405, { error: 'invalid_request', error_description: 'Use GET' }, { allow: 'GET, HEAD' });
      } else {
        writeJson(res, 200, authorizationServerMetadata(issuerOf(req, config)));
      }
      return 'metadata';
    }
    const keycloak = KEYCLOAK_PATH.exec(path);
    if (keycloak && config.keycloakRealm !== undefined && realmOf(keycloak[1]) !== config.keycloakRealm) {
      req.resume();
      writeJson(res, 404, { error: 'invalid_request', error_description: 'Unknown realm' });
      return 'unknown realm';
    }
    const endpoint = endpoints[keycloak ? KEYCLOAK_ENDPOINTS[keycloak[2]] : path];
    if (!endpoint) return null;
    if (req.method === 'POST') {
      endpoint.handle(req, res);
    } else if (req.method === 'OPTIONS' && origin) {
      req.resume();
      res.writeHead(204, { 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '600' });
      res.end();
    } else {
      req.resume();
      writeJson(res, 405, { error: 'invalid_request', error_description: `${path} accepts POST only` }, { allow: 'POST' });
    }
    return endpoint.route;
  };
}
