import type { KubeObject } from '../apis/kinds.ts';
import { badInput, expired } from '../apimachinery/errors.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { fromRow, type SecretCodec } from './objects.ts';
import { selectorToSql } from './selector-sql.ts';
import type { ListOptions, ListResult } from './types.ts';

/** What a continue token carries: the listing's revision and the last key returned. */
interface ContinueToken {
  v: 1;
  kind: string;
  rev: number;
  ns: string;
  name: string;
}

const encodeToken = (t: ContinueToken): string => Buffer.from(JSON.stringify(t)).toString('base64url');

function decodeToken(token: string, kind: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v === 1 && t.kind === kind && Number.isSafeInteger(t.rev) && typeof t.ns === 'string' && typeof t.name === 'string') return t;
  } catch {
    // fall through to the typed error
  }
  throw badInput('continue key is not valid: the token was not issued for this list', [{ field: 'continue', message: 'Invalid value' }]);
}

interface Row {
  namespace: string | null;
  name: string | null;
  revision: bigint | null;
  object: unknown;
  list_revision: bigint;
  compact_revision: bigint;
}

/**
 * Lists one kind. The first page reads the current state; later pages read the
 * state as of the first page's revision: rows untouched since then, plus — for keys
 * changed since — the state before their first later change (the change log keeps it).
 * Each statement is one snapshot, so its revision and compaction point agree with its rows.
 */
export async function list(prisma: PrismaClient, options: ListOptions, codec?: SecretCodec): Promise<ListResult> {
  const token = options.continue ? decodeToken(options.continue, options.kind) : undefined;
  const params: unknown[] = [options.kind];
  const p = (v: unknown): string => `$${params.push(v)}`;
  const nsFilter = options.namespace !== undefined ? `AND namespace = ${p(options.namespace)}` : '';
  const after = token ? `AND (namespace, name) > (${p(token.ns)}, ${p(token.name)})` : '';
  const selector = selectorToSql(options.labelSelector, options.fieldSelector, params.length + 1);
  params.push(...selector.params);
  const limit = options.limit && options.limit > 0 ? `LIMIT ${p(options.limit + 1)}` : '';

  let source: string;
  if (token) {
    const rev = p(token.rev);
    source = `(
      SELECT namespace, name, revision, object FROM kubeql_resource
      WHERE kind = $1 AND revision <= ${rev} ${nsFilter} ${after}
      UNION ALL
      SELECT * FROM (
        SELECT DISTINCT ON (namespace, name) namespace, name, prev_revision AS revision, prev_object AS object
        FROM kubeql_change WHERE kind = $1 AND revision > ${rev} ${nsFilter} ${after}
        ORDER BY namespace, name, revision
      ) AS changed WHERE object IS NOT NULL
    )`;
  } else {
    source = `(SELECT namespace, name, revision, object FROM kubeql_resource WHERE kind = $1 ${nsFilter} ${after})`;
  }
  const sql = `
    SELECT t.namespace, t.name, t.revision, t.object, c.revision AS list_revision, c.compact_revision
    FROM kubeql_cluster c
    LEFT JOIN LATERAL (
      SELECT * FROM ${source} AS s WHERE ${selector.sql} ORDER BY namespace, name ${limit}
    ) AS t ON TRUE
    WHERE c.id = 1`;
  const rows = await prisma.$queryRawUnsafe<Row[]>(sql, ...params);

  const listRevision = token ? token.rev : Number(rows[0].list_revision);
  if (token && token.rev < Number(rows[0].compact_revision)) {
    throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
  }
  const found = rows.filter((r) => r.name !== null);
  const more = options.limit !== undefined && options.limit > 0 && found.length > options.limit;
  const page = more ? found.slice(0, options.limit) : found;
  const items: KubeObject[] = page.map((r) => fromRow(r.object, r.revision!, codec));
  const last = page[page.length - 1];
  return {
    items,
    revision: listRevision,
    continue: more ? encodeToken({ v: 1, kind: options.kind, rev: listRevision, ns: last.namespace!, name: last.name! }) : undefined,
  };
}
