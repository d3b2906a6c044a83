import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ConfigError } from '../config/config';

// Only type imports above: with tracing off no OpenTelemetry module is ever loaded. startTracing
// requires them, and must run before http, graphql and mysql2 are first required (their
// instrumentations patch them as they load).

/** The span attribute that carries Tessera's request id (the `x-request-id` answered to the client). */
export const REQUEST_ID_ATTRIBUTE = 'tessera.request_id';

/** Probe and scrape paths make no spans: they would drown the traces worth reading. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
/** Query parameters whose values never reach a span (a client may put a secret in a URL). */
const SECRET_QUERY_PARAMETERS = ['token', 'access_token', 'refresh_token', 'client_secret', 'password', 'secret', 'code', 'variables', 'extensions'];

/**
 * Whether the standard OpenTelemetry variables ask for traces: an OTLP endpoint
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) or `OTEL_TRACES_EXPORTER=otlp`,
 * unless `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`. Off when none is set.
 */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = tracesExporters(env);
  if (exporters.includes('none')) return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || exporters.includes('otlp'));
}

const tracesExporters = (env: NodeJS.ProcessEnv): string[] =>
  (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);

export interface TracingOptions {
  /** Where finished spans go instead of the OTLP exporter the variables describe. */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** Exports the spans still buffered and stops tracing. */
  shutdown(): Promise<void>;
}

/** Set while tracing runs: puts the request's id and client address on the active (HTTP server) span. */
let tagActiveSpan: ((requestId: string, clientAddress: string | null) => void) | undefined;

/**
 * Marks the current request's span with its request id and its client address as Tessera reads it
 * (the instrumentation believes any `Forwarded`/`X-Forwarded-For`, whatever TESSERA_TRUST_PROXY
 * says); nothing when tracing is off.
 */
export function tagRequestSpan(requestId: string, clientAddress: string | null): void {
  tagActiveSpan?.(requestId, clientAddress);
}

/**
 * Starts tracing as the OTEL_* variables describe: HTTP server and client spans, one span per
 * GraphQL parse/validate/execute (field spans only with TESSERA_TRACE_GRAPHQL_FIELDS=true) and
 * one per mysql2 statement (its SQL with placeholders, never the values), exported over OTLP/HTTP
 * (`http/protobuf`, or `http/json`) in batches. `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
 * `OTEL_TRACES_SAMPLER(_ARG)`, `OTEL_BSP_*` and `OTEL_EXPORTER_OTLP_*` (endpoint, headers, timeout,
 * compression) apply as the specification says.
 */
export function startTracing(env: NodeJS.ProcessEnv, options: TracingOptions = {}): Tracing {
  const graphqlFieldSpans = booleanVariable(env, 'TESSERA_TRACE_GRAPHQL_FIELDS');
  const exporter = options.exporter ?? otlpExporter(env);
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { detectResources, envDetector, resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { GraphQLInstrumentation } = require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { MySQL2Instrumentation } = require('@opentelemetry/instrumentation-mysql2') as typeof import('@opentelemetry/instrumentation-mysql2');

  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the default name.
  const resource = resourceFromAttributes({ 'service.name': 'tessera' }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [requestSpans(api, new BatchSpanProcessor(exporter))] });
  // The AsyncLocalStorage context manager and W3C trace-context propagation, as global defaults.
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]),
        redactedQueryParamsServer: SECRET_QUERY_PARAMETERS,
      }),
      new GraphQLInstrumentation({ ignoreResolveSpans: !graphqlFieldSpans, ignoreTrivialResolveSpans: true, mergeItems: true }),
      // The statement as sent, with its placeholders: parameter values (digests, addresses) stay out.
      new MySQL2Instrumentation({ maskStatement: true, maskStatementHook: (sql) => sql }),
    ],
  });
  tagActiveSpan = (requestId, clientAddress) => {
    const span = api.trace.getActiveSpan();
    span?.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
    if (clientAddress) span?.setAttribute('client.address', clientAddress);
  };
  return {
    shutdown: async () => {
      tagActiveSpan = undefined;
      unregister();
      await provider.shutdown();
    },
  };
}

/** The OTLP/HTTP exporter of OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL; it reads its endpoint, headers and timeout itself. */
function otlpExporter(env: NodeJS.ProcessEnv): SpanExporter {
  const unsupported = tracesExporters(env).filter((name) => name !== 'otlp');
  if (unsupported.length) throw new ConfigError('OTEL_TRACES_EXPORTER', `only "otlp" (or "none") is supported, not "${unsupported.join(', ')}"`);
  const variable = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = env[variable]?.trim() || 'http/protobuf';
  if (protocol === 'http/protobuf') return new (require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
  if (protocol === 'http/json') return new (require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
  throw new ConfigError(variable, `"${protocol}" is not supported: use http/protobuf (a collector's port 4318) or http/json`);
}

function booleanVariable(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  throw new ConfigError(name, `must be true or false, not "${env[name]}"`);
}

/**
 * Exports the spans of served requests, each with the request id its parent carries (so GraphQL and
 * SQL spans have it as well as the HTTP span). Spans without a parent that are no HTTP server span
 * (the schema parsed at start-up, the background sweeps' statements) are dropped: traces would
 * drown in them.
 */
function requestSpans(api: typeof import('@opentelemetry/api'), exporting: SpanProcessor): SpanProcessor {
  return {
    onStart(span: Span, parentContext: Context) {
      const parent = api.trace.getSpan(parentContext) as Partial<ReadableSpan> | undefined;
      const requestId = parent?.attributes?.[REQUEST_ID_ATTRIBUTE];
      if (requestId !== undefined) span.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
      exporting.onStart(span, parentContext);
    },
    onEnd(span: ReadableSpan) {
      if (span.parentSpanContext || span.kind === api.SpanKind.SERVER) exporting.onEnd(span);
    },
    forceFlush: () => exporting.forceFlush(),
    shutdown: () => exporting.shutdown(),
  };
}
