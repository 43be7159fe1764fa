// The one write statement: a batch of conditional writes — create if the key is free,
// update or delete if the current revision is the expected one — applied in a single
// statement. Every write of the store goes through it (group-commit.ts gathers the
// batches; create.ts, update.ts and delete.ts make the writes and read their outcomes).
import pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { CHANGES_CHANNEL, POOL_CONNECT_TIMEOUT_MS } from './database.ts';
import { fromRow, translateDatabaseError, type SecretCodec } from './objects.ts';
import type { ObjectKey, WriteResult } from './types.ts';

export interface Write {
  verb: 'create' | 'update' | 'delete';
  key: ObjectKey;
  /** The object to store as JSON, without resourceVersion (create, update). */
  json?: string;
  /** metadata.uid (create). */
  uid?: string;
  /** Update or delete only at this revision; absent: whatever the current one is. */
  expectedRevision?: number;
}

export interface Outcome {
  /** The write's own precondition held. (In an atomic unit that another write of it failed, nothing was written.) */
  allowed: boolean;
  /** The revision it was written at; absent when nothing was written. */
  revision?: number;
  /** The row before the write; absent when there was none. `json` comes for updates, deletes and refused creates. */
  current?: { revision: number; json?: string };
}

/** Why an update or delete did not happen: no such object, or the current one (a conflict). */
export function refused(outcome: Outcome, codec?: SecretCodec): Exclude<WriteResult, { ok: true }> {
  const current = outcome.current;
  return current ? { ok: false, reason: 'conflict', current: fromRow(JSON.parse(current.json!), current.revision, codec) } : { ok: false, reason: 'not-found' };
}

/** Runs one batch in one transaction: outcomes in the order of `writes`, or a throw (see RolledBack). */
export type BatchRunner = ((writes: Write[], units: number[]) => Promise<Outcome[]>) & { close?(): Promise<void> };

/**
 * The batch failed and nothing of it was committed (PostgreSQL refused the statement):
 * its writes may be retried. `cause` is what the writer of the culprit should see. Any
 * other error leaves the outcome unknown (the connection broke, maybe during COMMIT).
 */
export class RolledBack extends Error {
  constructor(cause: unknown) {
    super('the write batch was rolled back', { cause });
  }
}

// `ops` holds one record per write: its place in the batch (`ord`), its atomic unit
// (`unit`: every write of a unit is written, or none), verb, key and object.
// 1. `cur` reads the current rows and decides each write's precondition;
// 2. `units` refuses a whole unit when any of its writes is refused — a refused write
//    changes nothing, not even the revision;
// 3. `bump` moves the revision by the number of writes that go through, `win` numbers
//    them consecutively in batch order;
// 4. the rows are inserted, updated or deleted and one change record per write is
//    appended with the state before; one NOTIFY carries the new revision.
// Keys are distinct within a batch (the writer defers a second write of a key to the
// next batch), so no row is touched twice. `count`, when given, tells the planner how
// many writes there are (it assumes 100 rows from a function), so that a batch of a few
// looks rows up by key instead of scanning the table (see the runners below).
const BATCH = (ops: string, count?: number) => `
WITH ops AS (
  SELECT * FROM jsonb_to_recordset(${ops}::jsonb)
    AS o(ord int, unit int, verb text, kind text, namespace text, name text, uid uuid, expected int8, object jsonb)
  ${count === undefined ? '' : `LIMIT ${count}`}
), cur AS (
  SELECT ops.*, r.revision AS cur_revision, r.object AS cur_object,
         CASE WHEN ops.verb = 'create' THEN r.revision IS NULL
              ELSE r.revision IS NOT NULL AND (ops.expected IS NULL OR ops.expected = r.revision) END AS allowed
  FROM ops LEFT JOIN kubeql_resource r ON r.kind = ops.kind AND r.namespace = ops.namespace AND r.name = ops.name
), units AS (
  SELECT cur.*, bool_and(allowed) OVER (PARTITION BY unit) AS unit_ok FROM cur
), bump AS (
  UPDATE kubeql_cluster c SET revision = c.revision + n.count
  FROM (SELECT count(*) AS count FROM units WHERE unit_ok) n
  WHERE c.id = 1 AND n.count > 0
  RETURNING c.revision - n.count AS base, c.revision
), win AS (
  SELECT units.*, bump.base + row_number() OVER (ORDER BY units.ord) AS revision
  FROM units, bump WHERE units.unit_ok
), ins AS (
  INSERT INTO kubeql_resource (kind, namespace, name, uid, revision, create_revision, object)
  SELECT kind, namespace, name, uid, revision, revision, object FROM win WHERE verb = 'create'
), upd AS (
  UPDATE kubeql_resource r SET object = win.object, revision = win.revision FROM win
  WHERE win.verb = 'update' AND r.kind = win.kind AND r.namespace = win.namespace AND r.name = win.name
), del AS (
  DELETE FROM kubeql_resource r USING win
  WHERE win.verb = 'delete' AND r.kind = win.kind AND r.namespace = win.namespace AND r.name = win.name
), ch AS (
  INSERT INTO kubeql_change (revision, kind, namespace, name, type, object, prev_object, prev_revision)
  SELECT revision, kind, namespace, name,
         CASE verb WHEN 'create' THEN 'ADDED' WHEN 'update' THEN 'MODIFIED' ELSE 'DELETED' END,
         CASE verb WHEN 'delete' THEN cur_object ELSE object END,
         cur_object, cur_revision
  FROM win
)
SELECT r.*, (SELECT count(pg_notify('${CHANGES_CHANNEL}', revision::text)) FROM bump) AS notified FROM (
  SELECT ord, allowed, revision, cur_revision, CASE WHEN verb <> 'create' THEN cur_object::text END AS cur_object FROM win
  UNION ALL
  SELECT ord, allowed, NULL, cur_revision, CASE WHEN verb <> 'create' OR NOT allowed THEN cur_object::text END FROM units WHERE NOT unit_ok
) r
ORDER BY ord`;

/** For EXECUTE: a dollar-quoted literal, its tag one that does not occur in the text (so nothing in it can end it). */
function literal(text: string): string {
  let tag = '$ops$';
  for (let i = 0; text.includes(tag); i++) tag = `$ops${i}$`;
  return `${tag}${text}${tag}`;
}

/** The writes as the statement's one parameter: a JSON array, objects spliced in as they are. */
function opsJson(writes: Write[], units: number[]): string {
  const parts = writes.map((w, i) => {
    const { kind, namespace, name } = w.key;
    const head = JSON.stringify({ ord: i, unit: units[i], verb: w.verb, kind, namespace, name, uid: w.uid ?? null, expected: w.expectedRevision ?? null });
    return w.json === undefined ? head : `${head.slice(0, -1)},"object":${w.json}}`;
  });
  return `[${parts.join(',')}]`;
}

interface Row {
  ord: number;
  allowed: boolean;
  revision: bigint | string | null;
  cur_revision: bigint | string | null;
  cur_object: string | null;
}

function outcomes(rows: Row[]): Outcome[] {
  return rows.map((r) => ({
    allowed: r.allowed,
    revision: r.revision === null ? undefined : Number(r.revision),
    current: r.cur_revision === null ? undefined : { revision: Number(r.cur_revision), json: r.cur_object ?? undefined },
  }));
}

/**
 * Embedded PGlite: one connection in this process, so nothing can write between the
 * statement's snapshot and its lock on the revision row — the statement alone is the
 * transaction. Any failure is the statement's, so it rolled back.
 *
 * A batch of several writes is planned for its size. A lone write — every write at low
 * load — runs a statement prepared for one write (planning costs more than running it),
 * planned afresh now and then: PGlite never analyzes its tables, so nothing else would
 * replace a plan made when the table was small.
 */
export function pgliteRunner(prisma: PrismaClient): BatchRunner {
  let uses = 0; // of the prepared statement; 0: not prepared
  return async (writes, units) => {
    const ops = opsJson(writes, units);
    try {
      if (writes.length > 1) return outcomes(await prisma.$queryRawUnsafe<Row[]>(BATCH('$1', writes.length), ops));
      if (uses === 0 || uses >= 1000) {
        if (uses) await prisma.$executeRawUnsafe('DEALLOCATE kubeql_write_one');
        uses = 0;
        await prisma.$executeRawUnsafe(`PREPARE kubeql_write_one(jsonb) AS ${BATCH('$1', 1)}`);
      }
      uses++;
      return outcomes(await prisma.$queryRawUnsafe<Row[]>(`EXECUTE kubeql_write_one(${literal(ops)})`));
    } catch (err) {
      if (writes.length === 1 && uses) {
        uses = 0; // whatever failed, prepare anew
        await prisma.$executeRawUnsafe('DEALLOCATE kubeql_write_one').catch(() => undefined);
      }
      throw new RolledBack(translateDatabaseError(err));
    }
  };
}

/**
 * PostgreSQL: a connection of the writer's own, so that a batch is one round trip.
 *
 * Under READ COMMITTED a statement that waits for the revision row's lock keeps the
 * snapshot it took before waiting, and would miss rows committed meanwhile by another
 * apiserver (a create of the same key would fail on the primary key, an update would
 * read a stale row). So the lock is taken by a first statement, and the batch statement,
 * which takes its snapshot after, sees every earlier batch. Both travel in one
 * simple-protocol message, which PostgreSQL runs as one implicit transaction and commits
 * before it answers: the writes are durable before any caller hears of them.
 *
 * Planning the statement costs more than running it for a few writes, so it is prepared
 * once; the batch is EXECUTE's literal argument (the simple protocol, which runs several
 * statements in one message, has no parameters). A kept plan must not depend on the
 * table's size when it was made, so the connection's planner may not scan a table whole
 * or hash-join: every write looks its row up by key.
 */
const PREPARE = `PREPARE kubeql_write_batch(jsonb) AS ${BATCH('$1')}`;

export function postgresRunner(url: string): BatchRunner {
  let client: pg.Client | undefined;
  const connection = async (): Promise<pg.Client> => {
    if (client) return client;
    // Like the pool's connections (database.ts): a bounded connect, keep-alive.
    const c = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: POOL_CONNECT_TIMEOUT_MS });
    c.on('error', () => {
      if (client === c) client = undefined;
    }); // the next batch reconnects
    try {
      await c.connect();
      await c.query(`SET enable_seqscan = off; SET enable_hashjoin = off; SET enable_mergejoin = off; ${PREPARE}`);
    } catch (err) {
      void c.end().catch(() => undefined);
      throw translateDatabaseError(err); // no write was sent: UNAVAILABLE, safe to retry
    }
    return (client = c);
  };
  const run: BatchRunner = async (writes, units) => {
    const text = `SELECT 1 FROM kubeql_cluster WHERE id = 1 FOR UPDATE; EXECUTE kubeql_write_batch(${literal(opsJson(writes, units))})`;
    const c = await connection();
    let results: pg.QueryResult<Row>[];
    try {
      results = (await c.query(text)) as unknown as pg.QueryResult<Row>[];
    } catch (err) {
      // An ERROR aborts the transaction; anything else (FATAL, a broken socket) may have
      // come after COMMIT: the outcome is unknown, and the connection is done for.
      if (err instanceof pg.DatabaseError && err.severity === 'ERROR') throw new RolledBack(translatePgError(err));
      if (client === c) client = undefined;
      void c.end().catch(() => undefined);
      throw translateDatabaseError(err);
    }
    return outcomes(results[1].rows);
  };
  run.close = async () => {
    const c = client;
    client = undefined;
    await c?.end().catch(() => undefined);
  };
  return run;
}

/** pg reports the SQLSTATE as `code`; translateDatabaseError reads bad text in the driver adapters' shape. */
function translatePgError(err: pg.DatabaseError): unknown {
  const translated = translateDatabaseError({ meta: { driverAdapterError: { cause: { originalCode: err.code } } } });
  return translated instanceof Error ? translated : translateDatabaseError(err);
}
