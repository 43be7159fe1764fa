// Structured logs (pino): one JSON object per line, or pino-pretty's coloured lines when
// the output is a terminal. kubeql's components log through the Logger of log.ts (message
// first, then fields), so the backend can change without touching them.
import type { Writable } from 'node:stream';
import pino, { type DestinationStream, type Level } from 'pino';
import pretty from 'pino-pretty';
import type { LogFields, Logger } from './log.ts';

export type LogLevel = Level | 'silent';

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
