// The logger a component built on the SDK writes to: two levels, structured fields. The
// CLI hands each component a pino logger (src/observability); tests a quiet one.
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
  info: (message, fields) => console.log(fields ? `${message} ${JSON.stringify(fields)}` : message),
  error: (message, fields) => console.error(fields ? `${message} ${JSON.stringify(fields)}` : message),
};
