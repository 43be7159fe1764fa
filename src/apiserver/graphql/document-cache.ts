// Parsing and validating an operation is the same work for every request that sends
// the same text: done once per distinct document (an LRU), as Apollo's documentStore
// does on the HTTP path. The same text also yields the same DocumentNode object, which
// is what lets subscribers of one document share the execution of a watch event.
import { LRUCache } from 'lru-cache';
import { specifiedRules, validate, type DocumentNode, type GraphQLError, type GraphQLSchema, type ValidationRule } from 'graphql';
import { parseWithLimits, type QueryLimits } from '../hardening/index.ts';
import { parseDuration, validationDuration } from '../metrics/apiserver-metrics.ts';

export interface CheckedDocument {
  document: DocumentNode;
  /** Validation errors (empty: valid). */
  errors: readonly GraphQLError[];
}

export class DocumentCache {
  private readonly documents: LRUCache<string, CheckedDocument>;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly limits: QueryLimits,
    private readonly rules: ValidationRule[],
    /** Distinct documents kept. @default 1000 */
    max = 1000,
  ) {
    this.documents = new LRUCache({ max });
  }

  /** The parsed and validated document; throws as parseWithLimits does on a bad text (never cached). */
  get(text: string): CheckedDocument {
    let checked = this.documents.get(text);
    if (!checked) {
      const started = performance.now();
      const document = parseWithLimits(text, this.limits);
      const parsed = performance.now();
      parseDuration.observe({ transport: 'websocket' }, (parsed - started) / 1000);
      checked = { document, errors: validate(this.schema, document, [...specifiedRules, ...this.rules]) };
      validationDuration.observe({ transport: 'websocket' }, (performance.now() - parsed) / 1000);
      this.documents.set(text, checked);
    }
    return checked;
  }
}
