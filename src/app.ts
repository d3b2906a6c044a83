import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import express, { NextFunction, Request, Response } from 'express';
import { IncomingMessage, RequestListener } from 'node:http';
import { GraphQLError, GraphQLSchema } from 'graphql';
import { DataSource } from 'typeorm';
import { AuditContext } from './core/audit/audit.service';
import { BearerAuthenticator } from './core/auth/bearer';
import { ErrorCode } from './core/errors/app-error';
import { AppConfig } from './core/config/config';
import { clientAddressOf } from './core/http/client-address';
import { graphiqlExplorer } from './core/http/explorer';
import { createGraphQLEndpoint } from './core/http/graphql-endpoint';
import { RequestContext } from './core/context/request-context';
import { createTransactionRunner } from './core/database/transaction';
import { formatError } from './core/errors/format-error';
import { serviceUnavailableStatus } from './core/errors/service-unavailable';
import { DocumentCache } from './core/graphql/document-cache';
import { queryLimitsPlugin } from './core/graphql/query-limits';
import { describeError, logger } from './core/logging/logger';
import { poolStatsOf } from './core/observability/db-pool';
import { graphqlObservation } from './core/observability/graphql-plugin';
import { TesseraMetrics } from './core/observability/metrics';
import { CallerNote, noteCaller, noteOutcome, recordOf, shareRecord, startRecord } from './core/observability/request-record';
import { tagRequestSpan } from './core/observability/tracing';
import { SECRET_PREFIXES } from './core/secrets/secret-format';
import { databaseAnswers } from './database/data-source';
import { createLoaders } from './loaders';
import { ACCESS_TOKEN_PREFIXES } from './modules/access-token/access-token.issuer';
import { INTROSPECTION_PATH, createIntrospectionHandler } from './modules/introspection/introspection.handler';
import { LEAK_REPORT_PATH, createLeakReportHandler } from './modules/leak-response/leak-report.handler';
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

/** The route name of a request outside the OAuth paths, for the access line and the metrics (never the raw path: bounded labels). */
function routeOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0];
  if (path.startsWith('/graphql')) return 'graphql';
  if (path.startsWith('/explorer/')) return 'explorer';
  return ['/healthz', '/readyz', '/metrics'].includes(path) ? path.slice(1) : 'other';
}

const isGraphQLPath = (url: string | undefined): boolean => /^\/graphql\/?(\?|$)/.test(url ?? '');

/** What the access line says of a GraphQL caller: ids only. */
const callerNote = (caller: RequestContext['caller']): CallerNote =>
  !caller
    ? { kind: 'anonymous' }
    : caller.sessionId
      ? { kind: 'session', userId: caller.user.id, tokenId: caller.sessionId }
      : { kind: 'access_token', userId: caller.user.id, tokenId: caller.accessTokenId ?? undefined };

export interface TesseraApp {
  /** The request listener for node:http: GraphQL and the OAuth endpoints on lean paths, the rest through Express. */
  handler: RequestListener;
  apollo: ApolloServer<RequestContext>;
  /** This server's Prometheus registry; GET /metrics on the main port unless TESSERA_METRICS_PORT is set. */
  metrics: TesseraMetrics;
}

/** The HTTP surface on one port: /graphql, /oauth/introspect, /oauth/token, /oauth/revoke and /tokens/leaked on node:http, and /healthz, /readyz, /metrics and the explorer through Express. */
export async function createApp(config: AppConfig, db: DataSource, schema: GraphQLSchema, services: Services): Promise<TesseraApp> {
  const documentCache = new DocumentCache(config.documentCache.maxEntries, config.documentCache.maxCharacters);
  const metrics = new TesseraMetrics({
    usage: services.usageRecorder,
    documentCache,
    pool: poolStatsOf(db),
    throttleRejections: () => services.tokenAuthFailures.rejections,
    webhookBacklog: () => services.webhookDeliveries.backlog,
    tokenCache: services.tokenCache,
  });
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
      graphqlObservation(metrics),
      queryLimitsPlugin(config.queryLimits),
      tokenUsagePlugin(services.usageRecorder),
      serviceUnavailableStatus(),
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
  // Refused bearers fail context creation, which Apollo's plugins never see: their code is counted here.
  const authenticate = async (req: IncomingMessage, audit: AuditContext) => {
    try {
      const caller = await bearer.authenticate(req.headers.authorization, audit.clientAddress, (prefix) =>
        services.audit.recordRefusal(audit, { action: 'authenticate', detail: { tokenPrefix: prefix } }, ErrorCode.UNAUTHENTICATED),
      );
      noteCaller(req, callerNote(caller));
      return caller;
    } catch (error) {
      const code = error instanceof GraphQLError ? String(error.extensions.code) : 'INTERNAL_SERVER_ERROR';
      metrics.graphqlErrors.inc({ code });
      noteOutcome(req, code);
      throw error;
    }
  };

  const clientAddress = (req: IncomingMessage) => clientAddressOf(req, config.trustProxy);
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    res.locals.requestId = recordOf(req)!.requestId;
    next();
  });

  if (config.metricsPort === undefined) app.get('/metrics', metrics.listener);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Its own short bound (below the statement limit): a stalled database answers 503 within a second,
  // with room for a busy event loop.
  app.get('/readyz', async (_req, res) => {
    if (await databaseAnswers(db, 500)) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'unavailable' });
  });

  const graphql = createGraphQLEndpoint({
    apollo,
    corsOrigins: config.corsOrigins,
    context: async (req): Promise<RequestContext> => {
      const record = recordOf(req)!;
      const { requestId, clientAddress: address } = record;
      const ctx: RequestContext = {
        requestId,
        clientAddress: address,
        caller: await authenticate(req, { requestId, clientAddress: address, caller: null, db }),
        db,
        config,
        services,
        loaders: createLoaders(db),
        transaction,
      };
      shareRecord(ctx, record);
      return ctx;
    },
  });
  // GraphiQL's page answers browsers at GET /graphql; every other GET /graphql falls through to the endpoint.
  if (config.explorer === 'graphiql') app.use(graphiqlExplorer());
  app.get('/graphql', graphql);

  app.use((error: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ requestId: res.locals.requestId, error: describeError(error) }, 'unexpected error');
    res.status(status).json({ error: status === 500 ? 'server_error' : 'invalid_request', requestId: res.locals.requestId });
  });
  const oauthContext = (req: IncomingMessage): RequestContext => {
    const record = recordOf(req)!;
    return {
      requestId: record.requestId,
      clientAddress: record.clientAddress,
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
    countResult: (labels) => metrics.introspections.inc(labels),
  });
  // The OAuth endpoints of RFC 6749 §6 and RFC 7009, on the same lean path as introspection.
  const oauthEndpoints: Record<string, { route: string; handle: RequestListener }> = {
    [INTROSPECTION_PATH]: { route: 'introspect', handle: introspect },
    [TOKEN_PATH]: { route: 'token', handle: createTokenHandler({ contextFor: oauthContext }) },
    [REVOCATION_PATH]: { route: 'revoke', handle: createRevocationHandler({ contextFor: oauthContext }) },
    // Leak reports (anonymous, form or JSON) take the same lean path.
    [LEAK_REPORT_PATH]: { route: 'leak report', handle: createLeakReportHandler({ contextFor: oauthContext, throttle: services.leakReportThrottle }) },
  };
  const routeOAuth = createOAuthRouter(config, oauthEndpoints);
  const handler: RequestListener = (req, res) => {
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    const record = startRecord(req, res, { requestId, route: 'other', clientAddress: clientAddress(req) }, (done, status, seconds) => metrics.observeRequest(done, status, seconds));
    tagRequestSpan(requestId, record.clientAddress);
    const oauthRoute = routeOAuth(req, res);
    if (oauthRoute) {
      record.route = oauthRoute;
      return;
    }
    record.route = routeOf(req.url);
    // GraphQL skips Express, except the GETs GraphiQL's page may answer.
    if (isGraphQLPath(req.url) && !(config.explorer === 'graphiql' && req.method === 'GET')) graphql(req, res);
    else app(req, res);
  };
  return { handler, apollo, metrics };
}
