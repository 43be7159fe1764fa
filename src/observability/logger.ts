// Structured logs (pino): one JSON object per line, or pino-pretty's coloured lines when
// the output is a terminal. kubeql's components log through this Logger (message first,
// then fields), so the backend can change without touching them.
import type { Writable } from 'node:stream';
import pino, { type DestinationStream, type Level } from 'pino';
import pretty from 'pino-pretty';

export type LogLevel = Level | 'silent';

export type LogFields = Record<string, unknown>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  /** @default KUBEQL_LOG_LEVEL, else 'info' */
  level?: LogLevel | string;
  /** 'json' or 'pretty'; @default KUBEQL_LOG_FORMAT, else pretty on a terminal and JSON otherwise */
  format?: 'json' | 'pretty';
  /** Where lines go. @default stdout */
  destination?: DestinationStream | Writable;
  /** Fields on every line (e.g. `{ component: 'apiserver' }`). */
  base?: LogFields;
}

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The level to log at: the option, else KUBEQL_LOG_LEVEL, else info; refuses an unknown name. */
export function resolveLogLevel(level?: string): LogLevel {
  const chosen = (level || process.env.KUBEQL_LOG_LEVEL || 'info').toLowerCase();
  if (!LEVELS.includes(chosen)) throw new Error(`unknown log level "${chosen}": use one of ${LEVELS.join(', ')}`);
  return chosen as LogLevel;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = resolveLogLevel(options.level);
  const destination = options.destination ?? process.stdout;
  const format =
    options.format ?? (process.env.KUBEQL_LOG_FORMAT as 'json' | 'pretty' | undefined) ?? ((destination as { isTTY?: boolean }).isTTY ? 'pretty' : 'json');
  const stream =
    format === 'pretty'
      ? pretty({ destination: destination as Writable, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true })
      : destination;
  const p = pino(
    { level, base: options.base ?? {}, timestamp: pino.stdTimeFunctions.isoTime, messageKey: 'msg', formatters: { level: (label) => ({ level: label }) } },
    stream,
  );
  return fromPino(p);
}

function fromPino(p: pino.Logger): Logger {
  return {
    error: (message, fields) => p.error(fields ?? {}, message),
    warn: (message, fields) => p.warn(fields ?? {}, message),
    info: (message, fields) => p.info(fields ?? {}, message),
    debug: (message, fields) => p.debug(fields ?? {}, message),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };

/** A logger given by a caller: `error` at least (e.g. a test's), the other levels optional. */
export interface PartialLogger {
  error(message: string, fields: LogFields): void;
  warn?(message: string, fields: LogFields): void;
  info?(message: string, fields: LogFields): void;
  debug?(message: string, fields: LogFields): void;
}

/** Fills in the levels a partial logger leaves out, as no-ops. */
export function completeLogger(log: PartialLogger): Logger {
  const level = (f: ((message: string, fields: LogFields) => void) | undefined) =>
    f ? (message: string, fields?: LogFields) => f.call(log, message, fields ?? {}) : () => {};
  return { error: level(log.error), warn: level(log.warn), info: level(log.info), debug: level(log.debug) };
}
