import { randomUUID } from 'node:crypto';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express, { NextFunction, Request, Response } from 'express';
import { IncomingMessage, RequestListener } from 'node:http';
import { GraphQLSchema } from 'graphql';
import { DataSource } from 'typeorm';
import { AuditContext } from './core/audit/audit.service';
import { BearerAuthenticator } from './core/auth/bearer';
import { ErrorCode } from './core/errors/app-error';
import { AppConfig } from './core/config/config';
import { clientAddressOf } from './core/http/client-address';
import { graphiqlExplorer } from './core/http/explorer';
import { RequestContext } from './core/context/request-context';
import { createTransactionRunner } from './core/database/transaction';
import { formatError, isExpectedError } from './core/errors/format-error';
import { DocumentCache } from './core/graphql/document-cache';
import { queryLimitsPlugin } from './core/graphql/query-limits';
import { logger } from './core/logging/logger';
import { Metrics } from './core/observability/metrics';
import { SECRET_PREFIXES } from './core/secrets/secret-format';
import { createLoaders } from './loaders';
import { ACCESS_TOKEN_PREFIXES } from './modules/access-token/access-token.issuer';
import { INTROSPECTION_PATH, createIntrospectionHandler } from './modules/introspection/introspection.handler';
import { REVOCATION_PATH, TOKEN_PATH, createRevocationHandler, createTokenHandler } from './modules/refresh-token/oauth-endpoints.handler';
import { createOAuthRouter } from './modules/refresh-token/oauth-router';
import { tokenUsagePlugin } from './modules/token-usage/usage.plugin';
import { Services } from './services';

const REQUEST_ID_PATTERN = /^[\w.-]{1,64}$/;

/** The request id a client or proxy sent in `x-request-id` when it is sane, else a new one. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

/** Logs unexpected errors with the request id, puts that id on the masked error the client sees, and counts error codes. */
const errorReporting = (countError: (labels: Record<string, string>) => void): ApolloServerPlugin<RequestContext> => ({
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          if (!isExpectedError(error)) {
            logger.error('unexpected error', { requestId: contextValue.requestId, path: error.path, error: error.originalError?.stack ?? error.message });
          }
        }
      },
      async willSendResponse({ contextValue, response }) {
        if (response.body.kind !== 'single') return;
        for (const error of response.body.singleResult.errors ?? []) {
          countError({ code: String(error.extensions?.code ?? 'UNKNOWN') });
          if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
        }
      },
    };
  },
});

export interface TesseraApp {
  /** The request listener for node:http: introspection on its lean path, everything else through Express. */
  handler: RequestListener;
  apollo: ApolloServer<RequestContext>;
}

/** The HTTP surface on one port: /graphql, /healthz, /readyz and /metrics through Express, and /oauth/introspect, /oauth/token and /oauth/revoke. */
export async function createApp(config: AppConfig, db: DataSource, schema: GraphQLSchema, services: Services): Promise<TesseraApp> {
  const metrics = new Metrics();
  const countRequest = metrics.counter('tessera_http_requests_total', 'HTTP requests by route and status.');
  const countError = metrics.counter('tessera_graphql_errors_total', 'GraphQL errors sent, by extensions.code.');
  metrics.gauge('tessera_token_usage_buffered', 'Distinct token uses waiting to be written.', () => services.usageRecorder.buffered);
  metrics.gauge('tessera_token_usage_dropped_total', 'Token uses lost (buffer full or failed writes).', () => services.usageRecorder.dropped);
  metrics.gauge('process_resident_memory_bytes', 'Resident memory of this process.', () => process.memoryUsage.rss());
  const documentCache = new DocumentCache(config.documentCache.maxEntries, config.documentCache.maxCharacters);
  metrics.gauge('tessera_graphql_document_cache_entries', 'Parsed GraphQL documents kept for reuse.', () => documentCache.size);
  metrics.gauge('tessera_graphql_document_cache_characters', 'Query characters of the parsed GraphQL documents kept.', () => documentCache.characters);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError,
    documentStore: documentCache,
    // The parser stops past this many tokens: no later step (validation, limits) sees a bigger document.
    parseOptions: { maxTokens: config.queryLimits.maxTokens },
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: config.nodeEnv === 'production',
    introspection: true,
    // main.ts owns SIGTERM/SIGINT: Apollo's handler would stop Apollo and re-send the signal, killing
    // the process before in-flight requests finish and token uses are written.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    plugins: [
      // No HTTP caching of token data, no federation traces, and nothing reported to Apollo's cloud.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      errorReporting(countError),
      queryLimitsPlugin(config.queryLimits),
      tokenUsagePlugin(services.usageRecorder),
      config.explorer === 'sandbox' ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }) : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  const authenticateAccessToken = (secret: string, address: string | null) => services.accessTokenAuthenticator.authenticate(secret, address);
  const bearer = new BearerAuthenticator(
    {
      [SECRET_PREFIXES.session]: (secret) => services.sessions.authenticate(secret),
      ...Object.fromEntries(ACCESS_TOKEN_PREFIXES.map((prefix) => [prefix, authenticateAccessToken])),
    },
    services.tokenAuthFailures,
  );
  const transaction = createTransactionRunner(db);
  // Refused well-formed bearer tokens are audited too (the per-address throttle bounds how many).
  const authenticate = (authorization: string | undefined, audit: AuditContext) =>
    bearer.authenticate(authorization, audit.clientAddress, (prefix) =>
      services.audit.recordRefusal(audit, { action: 'authenticate', detail: { tokenPrefix: prefix } }, ErrorCode.UNAUTHENTICATED),
    );

  const clientAddress = (req: IncomingMessage) => clientAddressOf(req, config.trustProxy);
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const requestId = requestIdOf(req);
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    next();
  });

  app.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4').send(metrics.render());
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.query('SELECT 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  if (config.explorer === 'graphiql') app.use(graphiqlExplorer());

  // Without configured origins, browsers get same-origin only: no CORS middleware at all.
  if (config.corsOrigins.length) app.use('/graphql', cors({ origin: config.corsOrigins.includes('*') ? true : config.corsOrigins }));
  app.use(
    '/graphql',
    // Answers hold token data, and some hold a secret shown only once: no browser or proxy may keep them.
    (_req: Request, res: Response, next: NextFunction) => {
      res.setHeader('cache-control', 'no-store');
      res.setHeader('pragma', 'no-cache');
      next();
    },
    express.json({ limit: '100kb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<RequestContext> => {
        const requestId = res.locals.requestId as string;
        const address = clientAddress(req);
        return {
          requestId,
          clientAddress: address,
          caller: await authenticate(req.header('authorization'), { requestId, clientAddress: address, caller: null, db }),
          db,
          config,
          services,
          loaders: createLoaders(db),
          transaction,
        };
      },
    }),
  );
  app.use((error: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error('unexpected error', { requestId: res.locals.requestId, error: error.stack ?? error.message });
    res.status(status).json({ error: status === 500 ? 'server_error' : 'invalid_request', requestId: res.locals.requestId });
  });
  const oauthContext = (req: IncomingMessage): RequestContext => {
    return {
      requestId: requestIdOf(req),
      clientAddress: clientAddress(req),
      caller: null,
      db,
      config,
      services,
      loaders: createLoaders(db),
      transaction,
    };
  };
  const introspect = createIntrospectionHandler({
    authenticator: services.accessTokenAuthenticator,
    usage: services.usageRecorder,
    failures: services.tokenAuthFailures,
    authenticateClient: (req, credentials) => services.oauthClients.authenticate(oauthContext(req), credentials),
    introspectRefreshToken: (req, secret) => services.refreshTokens.introspect(oauthContext(req), secret),
    clientIdOf: (req, accessTokenId) => services.refreshTokens.clientIdOf(oauthContext(req), accessTokenId),
    clientAddress,
    countResult: metrics.counter('tessera_introspections_total', 'Introspection answers by result (active, inactive, refused).'),
  });
  // The OAuth endpoints of RFC 6749 §6 and RFC 7009, on the same lean path as introspection.
  const oauthEndpoints: Record<string, { route: string; handle: RequestListener }> = {
    [INTROSPECTION_PATH]: { route: 'introspect', handle: introspect },
    [TOKEN_PATH]: { route: 'token', handle: createTokenHandler({ contextFor: oauthContext }) },
    [REVOCATION_PATH]: { route: 'revoke', handle: createRevocationHandler({ contextFor: oauthContext }) },
  };
  const routeOAuth = createOAuthRouter(config, oauthEndpoints);
  const handler: RequestListener = (req, res) => {
    let route = 'other';
    res.on('finish', () => countRequest({ route, status: String(res.statusCode) }));
    const oauthRoute = routeOAuth(req, res);
    if (oauthRoute) {
      route = oauthRoute;
      return;
    }
    if (req.url?.startsWith('/graphql')) route = 'graphql';
    app(req, res);
  };
  return { handler, apollo };
}
