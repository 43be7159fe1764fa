// The one Logger every kubeql layer writes to — the store, the apiserver, the SDK and the
// components built on it: four levels, message first, then structured fields. No backend
// here (pino is in logger.ts), so the SDK can take it without loading pino.

export type LogFields = Record<string, unknown>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
}

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

/** A logger that drops everything. */
export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };

const line = (message: string, fields: LogFields | undefined) => (fields && Object.keys(fields).length ? `${message} ${JSON.stringify(fields)}` : message);

/**
 * The default of a component or a store given no logger: errors and warnings to stderr,
 * info to stdout, debug dropped (info is the default level, as with pino's logger).
 */
export const consoleLogger: Logger = {
  error: (message, fields) => console.error(line(message, fields)),
  warn: (message, fields) => console.warn(line(message, fields)),
  info: (message, fields) => console.log(line(message, fields)),
  debug() {},
};
