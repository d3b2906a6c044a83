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
const keyPath = (field: string): string => (/^[A-Za-z_]\w*$/.test(field) ? `.${field}` : `["${field}"]`);
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => [keyPath(field).replace(/^\./, ''), `*${keyPath(field)}`, `*.*${keyPath(field)}`]);

/** What `configureLogging` applies: TESSERA_LOG_LEVEL, and TESSERA_LOG_FORMAT (unset: pretty in development on a terminal, else JSON). */
export interface LogSettings {
  level: LogLevel;
  format?: LogFormat;
  nodeEnv?: string;
}

// One logger for the process; its destination is swapped behind it, so modules keep the instance they imported.
let destination: DestinationStream = process.stdout;
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
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  },
  sink,
);

/** Applies level and format; `stream` replaces stdout (tests capture every line through it). */
export function configureLogging(settings: LogSettings, stream?: DestinationStream): void {
  logger.level = process.env.TESSERA_LOG_SILENT === 'true' ? 'silent' : settings.level;
  const format = settings.format ?? (settings.nodeEnv === 'development' && process.stdout.isTTY ? 'pretty' : 'json');
  if (stream) destination = stream;
  else if (format === 'pretty') destination = prettyStream ??= pinoPretty({ messageKey: 'message', colorize: process.stdout.isTTY, sync: true });
  else destination = process.stdout;
}

/** The stack of an Error, else its text: for the `error` field of a log line. */
export const describeError = (error: unknown): string => (error instanceof Error ? error.stack ?? error.message : String(error));
