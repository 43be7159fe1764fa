// The token limit, enforced before a document is parsed: the lexer counts tokens and
// stops at maxTokens + 1, so an oversized document is refused without building an AST
// (and without even lexing the rest of it).
import { GraphQLError, Lexer, Source, TokenKind, parse, type DocumentNode, type ParseOptions, type Token, type ValidationRule } from 'graphql';
import { resolveLimits, tooComplex, type QueryLimits } from './limits.ts';

export const GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED';

export const tokenMessage = (maxTokens: number): string => `Query is too complex: the document has more than ${maxTokens} tokens`;

/** Matches graphql-js's own `maxTokens` parse error, so it can be translated to QUERY_TOO_COMPLEX. */
export const GRAPHQL_TOKEN_LIMIT_MESSAGE = /Document contains more (?:than|that) (\d+) tokens/; // graphql 16 says "more that"

function parseFailed(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) {
    return new GraphQLError(error.message, { source: error.source, positions: error.positions, extensions: { code: GRAPHQL_PARSE_FAILED } });
  }
  return new GraphQLError(`Syntax Error: ${(error as Error | undefined)?.message ?? String(error)}`, { extensions: { code: GRAPHQL_PARSE_FAILED } });
}

/**
 * Counts the document's tokens (comments excluded, as graphql-js counts them) up to
 * `max + 1`; returns the count, which is `max + 1` when the document is over the limit.
 * Throws a GRAPHQL_PARSE_FAILED error on a lexical error met before that.
 */
export function countTokens(source: string, max = Infinity): number {
  const lexer = new Lexer(new Source(source));
  let n = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++n > max) return n;
    }
  } catch (err) {
    throw parseFailed(err);
  }
  return n;
}

/**
 * Parses a GraphQL document after checking its size in tokens. Throws a GraphQLError
 * with code QUERY_TOO_COMPLEX when it has more than maxTokens tokens, and one with code
 * GRAPHQL_PARSE_FAILED on a syntax error.
 */
export function parseWithLimits(source: string, limits?: Partial<QueryLimits>): DocumentNode {
  if (typeof source !== 'string' || source.length === 0) throw parseFailed(new Error('the document must be a non-empty string'));
  const { maxTokens } = resolveLimits(limits);
  if (countTokens(source, maxTokens) > maxTokens) throw tooComplex(tokenMessage(maxTokens));
  try {
    return parse(source, { maxTokens });
  } catch (err) {
    throw parseFailed(err);
  }
}

/**
 * Options for ApolloServer's `parseOptions`: graphql-js aborts parsing after maxTokens
 * tokens (Apollo has no hook before its own parse). hardeningPlugin translates that
 * GRAPHQL_PARSE_FAILED error into QUERY_TOO_COMPLEX.
 */
export function apolloParseOptions(limits?: Partial<QueryLimits>): ParseOptions {
  return { maxTokens: resolveLimits(limits).maxTokens };
}

/**
 * A validation rule counting the tokens of an already parsed document (through its
 * token list; comments excluded) — a safety net for paths that parsed without limits.
 * Documents parsed with `noLocation` carry no tokens and pass.
 */
export function maxTokensRule(maxTokens: number): ValidationRule {
  return (context) => {
    let n = 0;
    for (let t: Token | null | undefined = context.getDocument().loc?.startToken; t; t = t.next) {
      if (t.kind === TokenKind.SOF || t.kind === TokenKind.EOF || t.kind === TokenKind.COMMENT) continue;
      if (++n > maxTokens) {
        context.reportError(tooComplex(tokenMessage(maxTokens)));
        break;
      }
    }
    return {};
  };
}
