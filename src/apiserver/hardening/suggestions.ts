// graphql-js appends `Did you mean "x"?` (and variants: `Did you mean "a", "b", or "c"?`,
// `Did you mean the enum value "X"?`, `Did you mean to use an inline fragment on "T"?`)
// to validation and coercion errors — a free schema map for a caller who may not
// introspect. These are removed for unauthenticated callers.
const SUGGESTION = /\s*Did you mean\b[^?]*\?/g;

/** The message without its `Did you mean …?` fragments. */
export function stripSuggestions(message: string): string {
  return message.replace(SUGGESTION, '').trim();
}
