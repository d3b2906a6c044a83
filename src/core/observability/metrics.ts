import { RequestListener } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PoolStats } from './db-pool';
import { RequestRecord } from './request-record';

/** Distinct GraphQL operation names one server labels its histogram with; later ones count as `other`. */
export const MAX_OPERATION_LABELS = 100;

/** What the gauges read at scrape time; structural, so core knows no module. */
export interface MetricSources {
  usage: { readonly buffered: number; readonly dropped: number };
  documentCache: { readonly size: number; readonly characters: number };
  pool: () => PoolStats;
  /** Requests answered 429 by the credential throttle (refused bearer tokens, refresh tokens, client secrets). */
  throttleRejections: () => number;
  /** Webhook deliveries not yet delivered nor given up (the outbox backlog), as of the last poll. */
  webhookBacklog: () => number;
  /** The verified-token cache: its entries, whether its rows may answer, and running totals by what it did with each digest looked up. */
  tokenCache: { readonly size: number; readonly trusted: boolean; readonly lookups: Readonly<Record<string, number>>; readonly rereads: number };
}

/** A counter whose value is kept elsewhere as a running total, read at scrape time. */
function totalFrom(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** A counter with one label whose values' running totals are kept elsewhere, read at scrape time. */
function totalsFrom<L extends string>(registry: Registry, name: string, help: string, label: L, read: () => Readonly<Record<string, number>>): void {
  new Counter({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset();
      for (const [value, total] of Object.entries(read())) this.inc({ [label]: value } as Partial<Record<L, string>>, total);
    },
  });
}

/**
 * One server's Prometheus registry (prom-client), never the global one: tests run several servers
 * in one process. Node's process metrics (CPU, memory, heap, event-loop lag, GC) come with it.
 */
export class TesseraMetrics {
  readonly registry = new Registry();
  readonly graphqlErrors: Counter<'code'>;
  readonly introspections: Counter<'result'>;
  private readonly requests: Counter<'route' | 'status'>;
  private readonly duration: Histogram<'route' | 'operation'>;
  private readonly operationLabels = new Set<string>();

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: 'tessera_http_requests_total', help: 'HTTP requests by route and status.', labelNames: ['route', 'status'], registers });
    this.duration = new Histogram({
      name: 'tessera_http_request_duration_seconds',
      help: 'Time to answer a request, by route and GraphQL operation (its name once the document validated, else unknown; anonymous; other past the cap).',
      labelNames: ['route', 'operation'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.graphqlErrors = new Counter({ name: 'tessera_graphql_errors_total', help: 'GraphQL errors sent, by extensions.code.', labelNames: ['code'], registers });
    this.introspections = new Counter({ name: 'tessera_introspections_total', help: 'Introspection answers by result (active, inactive, refused).', labelNames: ['result'], registers });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('tessera_token_usage_buffered', 'Distinct token uses waiting to be written.', () => sources.usage.buffered);
    totalFrom(this.registry, 'tessera_token_usage_dropped_total', 'Token uses lost (buffer full or failed writes).', () => sources.usage.dropped);
    gauge('tessera_graphql_document_cache_entries', 'Parsed GraphQL documents kept for reuse.', () => sources.documentCache.size);
    gauge('tessera_graphql_document_cache_characters', 'Query characters of the parsed GraphQL documents kept.', () => sources.documentCache.characters);
    gauge('tessera_db_pool_connections_in_use', 'Database connections running a query or transaction.', () => sources.pool().inUse);
    gauge('tessera_db_pool_connections_idle', 'Open database connections free for the next query.', () => sources.pool().idle);
    gauge('tessera_db_pool_requests_waiting', 'Queries waiting for a free database connection.', () => sources.pool().waiting);
    gauge('tessera_webhook_deliveries_pending', 'Webhook deliveries waiting to be delivered or retried (the outbox backlog at the last poll).', sources.webhookBacklog);
    totalFrom(this.registry, 'tessera_throttle_rejections_total', 'Requests answered 429 by the credential throttle.', sources.throttleRejections);
    gauge('tessera_token_cache_entries', 'Token rows (and unknown digests) the verified-token cache holds.', () => sources.tokenCache.size);
    gauge('tessera_token_cache_trusted', '1 while revocation polls succeed and cached rows may answer; 0 when every check reads the database.', () => Number(sources.tokenCache.trusted));
    totalsFrom(this.registry, 'tessera_token_cache_lookups_total', 'Token digests looked up, by what the cache did: hit, miss (read), joined (waited for a read under way), untrusted (read: polls behind).', 'result', () => sources.tokenCache.lookups);
    totalFrom(this.registry, 'tessera_token_cache_rereads_total', 'Token rows re-read in the background before their TTL ended.', () => sources.tokenCache.rereads);
  }

  /** Counts a finished request and observes its duration. */
  observeRequest(record: RequestRecord, status: number, seconds: number): void {
    this.requests.inc({ route: record.route, status: String(status) });
    this.duration.observe({ route: record.route, operation: record.route === 'graphql' ? this.operationLabel(record) : '' }, seconds);
  }

  /** Bounded: names come only from validated documents, and at most MAX_OPERATION_LABELS of them. */
  private operationLabel(record: RequestRecord): string {
    if (!record.operation) return 'unknown';
    const name = record.operation.name ?? 'anonymous';
    if (this.operationLabels.has(name)) return name;
    if (this.operationLabels.size >= MAX_OPERATION_LABELS) return 'other';
    this.operationLabels.add(name);
    return name;
  }

  /** GET /metrics in the Prometheus text format. */
  readonly listener: RequestListener = (_req, res) => {
    this.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': this.registry.contentType });
        res.end(text);
      },
      () => {
        res.writeHead(500).end();
      },
    );
  };
}
