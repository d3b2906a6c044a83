import pino, { DestinationStream, Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
/** One JSON object per line, or pino-pretty's coloured text for people reading a terminal. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Field names whose values never reach a log line, wherever they sit in the first three levels of
 * a logged object (headers, OAuth form fields, GraphQL inputs, options). Call sites pass ids and
 * codes, never secrets; this is the net under them.
 */
const SECRET_FIELDS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'password',
  'currentPassword',
  'newPassword',
  'adminPassword',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'sessionToken',
  'pepper',
  'tokenPepper',
];
const SECRETS = new Set(SECRET_FIELDS);
const CENSOR = '[redacted]';
/** Levels searched: `field`, `*.field` and `*.*.field` (a `*` matches an array index too); a secret nested deeper is written as is. */
const CENSOR_LEVELS = 3;

/**
 * `value` with the secret fields of its first `levels` levels replaced by CENSOR, in one pass and
 * copy-on-write: only the objects on the way to a censored field are copied, the caller's object
 * is never changed, and a value without secrets is returned as is (the access line allocates nothing).
 */
function censor<T>(value: T, levels: number): T {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    if (levels === 1) return value;
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const censored = censor(value[i] as unknown, levels - 1);
      if (censored !== value[i]) (copy ??= value.slice())[i] = censored;
    }
    return (copy ?? value) as T;
  }
  const fields = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in fields) {
    if (!Object.prototype.hasOwnProperty.call(fields, key)) continue;
    const field = fields[key];
    const censored = SECRETS.has(key) ? CENSOR : levels > 1 ? censor(field, levels - 1) : field;
    if (censored !== field) (copy ??= copyObject(fields))[key] = censored;
  }
  return (copy ?? value) as T;
}

/** A shallow copy keeping the prototype (for toJSON and pino's `err` serializer) and an Error's message and stack, which are not enumerable. */
function copyObject(value: Record<string, unknown>): Record<string, unknown> {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>, value);
  if (value instanceof Error) {
    const hidden = (field: unknown): PropertyDescriptor => ({ value: field, writable: true, configurable: true });
    Object.defineProperties(copy, { message: hidden(value.message), stack: hidden(value.stack) });
  }
  return copy;
}

/** What `configureLogging` applies: TESSERA_LOG_LEVEL, and TESSERA_LOG_FORMAT (unset: pretty in development on a terminal, else JSON). */
export interface LogSettings {
  level: LogLevel;
  format?: LogFormat;
  nodeEnv?: string;
}

// JSON lines go to stdout asynchronously (sonic-boom): under load writes coalesce and leave the main
// thread; minLength 0 holds no line back when traffic is low.
const stdout = pino.destination({ dest: 1, sync: false, minLength: 0 });
// Whatever is still queued is written before the process ends, however it exits. pino happens to
// register the same for the destinations it makes, but does not document it.
process.on('exit', () => {
  try {
    stdout.flushSync();
  } catch {
    // Thrown once the stream is destroyed: nothing left to write to, and nowhere to report it.
  }
});
// One logger for the process; its destination is swapped behind it, so modules keep the instance they imported.
let destination: DestinationStream = stdout;
let prettyStream: DestinationStream | undefined;
const sink: DestinationStream = { write: (line: string) => destination.write(line) };

/**
 * The process logger (pino). Messages keep the `message` key and string levels of Tessera's earlier
 * JSON lines. TESSERA_LOG_SILENT=true silences it whatever the level (tests, benchmarks).
 */
export const logger: Logger = pino(
  {
    level: process.env.TESSERA_LOG_SILENT === 'true' ? 'silent' : 'info',
    messageKey: 'message',
    timestamp: pino.stdTimeFunctions.isoTime,
    // Censoring here rather than with pino's `redact`, which cost an eighth of the server's CPU under
    // load for the same fields. `redact` covered interpolated values and child bindings too: below.
    formatters: { level: (label) => ({ level: label }), log: (object) => censor(object, CENSOR_LEVELS) },
    hooks: {
      logMethod(args, method) {
        // After a merging object (or its undefined place) comes the message, then the values for its `%j`/`%o`.
        for (let i = typeof args[0] === 'object' || args[0] === undefined ? 2 : 1; i < args.length; i++) args[i] = censor(args[i], CENSOR_LEVELS);
        method.apply(this, args);
      },
    },
  },
  sink,
);
// Children inherit this from the root, so grandchildren are covered too. (pino's formatters.bindings
// does not apply to a child's bindings.)
const createChild = logger.child;
logger.child = function child(this: Logger, bindings, options) {
  return createChild.call(this, censor(bindings, CENSOR_LEVELS), options);
} as Logger['child'];

/** Applies level and format; `stream` replaces stdout (tests capture every line through it). */
export function configureLogging(settings: LogSettings, stream?: DestinationStream): void {
  logger.level = process.env.TESSERA_LOG_SILENT === 'true' ? 'silent' : settings.level;
  const format = settings.format ?? (settings.nodeEnv === 'development' && process.stdout.isTTY ? 'pretty' : 'json');
  if (stream) destination = stream;
  else if (format === 'pretty') destination = prettyStream ??= pinoPretty({ messageKey: 'message', colorize: process.stdout.isTTY, sync: true });
  else destination = stdout;
}

/**
 * Resolves once the lines logged so far have been written to stdout, or after `withinMs`: a
 * deliberate exit waits for it, as the flush at exit cannot wait for a write already in flight.
 */
export function flushLogs(withinMs = 2000): Promise<void> {
  if (destination !== stdout) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stdout.off('drain', done);
      resolve();
    };
    const timer = setTimeout(done, withinMs);
    stdout.once('drain', done);
    // sonic-boom emits 'drain' once its queue is written; an empty write makes it do so when idle too.
    stdout.write('');
  });
}

/** The stack of an Error, else its text: for the `error` field of a log line. */
export const describeError = (error: unknown): string => (error instanceof Error ? error.stack ?? error.message : String(error));
