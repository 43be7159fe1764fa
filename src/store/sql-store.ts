// The one Store implementation: Prisma over PostgreSQL or PGlite. Writes go through one
// group-commit loop (group-commit.ts); on PostgreSQL it has a connection of its own.
import type { KubeObject } from '../apis/kinds.ts';
import { badInput } from '../apimachinery/errors.ts';
import { completeLogger, consoleLogger, type Logger, type PartialLogger } from '../observability/log.ts';
import { compact, revisionBefore } from './compact.ts';
import { pgliteRunner, postgresRunner, refused, type Outcome, type Write } from './conditional-write.ts';
import { countByKind } from './count.ts';
import { createWrite, created } from './create.ts';
import { CHANGES_CHANNEL, openDatabase, type Database, type DatabaseOptions } from './database.ts';
import { deleteWrite, deleted } from './delete.ts';
import { SecretEncryption, type EncryptionKeyOptions } from './encryption.ts';
import { currentRevision, get } from './get.ts';
import { GroupCommit, type GroupCommitLimits } from './group-commit.ts';
import { list } from './list.ts';
import { fromRow, translateDatabaseError, type SecretCodec } from './objects.ts';
import { select } from './select.ts';
import type { Selection, ListOptions, ListResult, ObjectKey, Store, Watch, WatchOptions, WriteAllResult, WriteOp, WriteRefusal, WriteResult } from './types.ts';
import { updateWrite, updated } from './update.ts';
import { WatchHub, type WatchHubOptions } from './watch-hub.ts';

export interface StoreOptions extends DatabaseOptions, WatchHubOptions, GroupCommitLimits, EncryptionKeyOptions {
  /** Change history kept for watchers that resume, like etcd's under Kubernetes. @default 300000 (5 minutes) */
  retentionMs?: number;
  /** How often the compactor runs; 0 turns it off. @default 60000 */
  compactIntervalMs?: number;
  /** Where the store logs (the watch hub, group commit, the compactor); levels the logger lacks are dropped. @default consoleLogger */
  log?: PartialLogger;
}

export class SqlStore implements Store {
  private compactor: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  /** Every write goes through this one loop: batches commit together (group-commit.ts). */
  private readonly writer: GroupCommit;

  /** Seals Secrets on the way to the rows and opens them on the way back (encryption.ts). */
  private readonly secrets: SecretCodec;

  private constructor(
    readonly db: Database,
    readonly hub: WatchHub,
    options: StoreOptions,
    encryption: SecretEncryption,
    private readonly log: Logger,
  ) {
    this.secrets = encryption;
    const runner = db.engine === 'postgresql' ? postgresRunner(options.url!) : pgliteRunner(db.prisma);
    this.writer = new GroupCommit(runner, (changes) => hub.deliver(changes), log, options, encryption);
  }

  static async open(options: StoreOptions = {}): Promise<SqlStore> {
    const encryption = await SecretEncryption.load(options); // a bad key file fails before the database is touched
    const db = await openDatabase(options);
    try {
      await encryption.verify(db.prisma);
    } catch (err) {
      await db.close();
      throw err;
    }
    const log = completeLogger(options.log ?? consoleLogger);
    const hub = new WatchHub(db.prisma, { ...options, log }, encryption);
    await hub.start();
    const store = new SqlStore(db, hub, options, encryption, log);
    // Writes by other apiserver processes arrive as notifications.
    if (db.engine === 'postgresql') store.unlisten = await db.listen(CHANGES_CHANNEL, (payload) => hub.notified(payload));
    const interval = options.compactIntervalMs ?? 60_000;
    if (interval > 0) {
      const retention = options.retentionMs ?? 300_000;
      store.compactor = setInterval(
        () => void store.compactOlderThan(retention).catch((err) => store.log.error('store: compaction failed', { error: String(err) })),
        interval,
      );
      store.compactor.unref();
    }
    return store;
  }

  async create(key: ObjectKey, object: KubeObject): Promise<KubeObject | undefined> {
    const [outcome] = await this.writer.submit([createWrite(key, object, this.secrets)]);
    return created(object, outcome);
  }

  get(key: ObjectKey): Promise<KubeObject | undefined> {
    return guard(get(this.db.prisma, key, this.secrets));
  }

  list(options: ListOptions): Promise<ListResult> {
    return guard(list(this.db.prisma, options, this.secrets));
  }

  /** Objects stored per kind (metrics). */
  countByKind(): Promise<Map<string, number>> {
    return guard(countByKind(this.db.prisma));
  }

  select(kind: string, selection: Selection): Promise<KubeObject[]> {
    return guard(select(this.db.prisma, kind, selection, this.secrets));
  }

  async update(key: ObjectKey, object: KubeObject, expectedRevision?: number): Promise<WriteResult> {
    const [outcome] = await this.writer.submit([updateWrite(key, object, expectedRevision, this.secrets)]);
    return updated(object, outcome, this.secrets);
  }

  async delete(key: ObjectKey, expectedRevision?: number): Promise<WriteResult> {
    const [outcome] = await this.writer.submit([deleteWrite(key, expectedRevision)]);
    return deleted(outcome, this.secrets);
  }

  async writeAll(ops: WriteOp[]): Promise<WriteAllResult> {
    if (new Set(ops.map((op) => `${op.key.kind}/${op.key.namespace}/${op.key.name}`)).size < ops.length) {
      throw badInput('one atomic write names the same object twice', [{ field: '', message: 'Duplicate value' }]);
    }
    if (!ops.length) return { ok: true, objects: [] };
    const outcomes = await this.writer.submit(ops.map((op) => writeOf(op, this.secrets)));
    const index = outcomes.findIndex((o) => !o.allowed);
    if (index >= 0) return { ok: false, index, result: refusalOf(ops[index], outcomes[index], this.secrets) };
    return { ok: true, objects: ops.map((op, i) => writtenOf(op, outcomes[i], this.secrets)) };
  }

  watch(options: WatchOptions): Watch {
    return this.hub.watch(options);
  }

  async compact(revision: number): Promise<number> {
    const point = await compact(this.db.prisma, revision);
    this.hub.noteCompacted(point);
    return point;
  }

  /** Compacts everything written more than `retentionMs` ago. */
  async compactOlderThan(retentionMs: number): Promise<number | undefined> {
    const revision = await revisionBefore(this.db.prisma, retentionMs);
    return revision === undefined ? undefined : this.compact(revision);
  }

  currentRevision(): Promise<number> {
    return currentRevision(this.db.prisma);
  }

  async close(): Promise<void> {
    if (this.compactor) clearInterval(this.compactor);
    await this.writer.close();
    await this.unlisten?.();
    await this.hub.close();
    await this.db.close();
  }
}

const writeOf = (op: WriteOp, codec: SecretCodec): Write =>
  op.verb === 'create'
    ? createWrite(op.key, op.object, codec)
    : op.verb === 'update'
      ? updateWrite(op.key, op.object, op.expectedRevision, codec)
      : deleteWrite(op.key, op.expectedRevision);

/** The object as its verb alone returns it (a unit is written whole, so every write of it has its revision). */
const writtenOf = (op: WriteOp, outcome: Outcome, codec: SecretCodec): KubeObject =>
  op.verb === 'delete' ? fromRow(JSON.parse(outcome.current!.json!), outcome.revision!, codec) : fromRow(op.object, outcome.revision!);

function refusalOf(op: WriteOp, outcome: Outcome, codec: SecretCodec): WriteRefusal {
  if (op.verb !== 'create') return refused(outcome, codec);
  return { ok: false, reason: 'exists', current: fromRow(JSON.parse(outcome.current!.json!), outcome.current!.revision, codec) };
}

/** Database errors that are the caller's fault become typed errors; the rest pass on. */
const guard = <T>(p: Promise<T>): Promise<T> =>
  p.catch((err: unknown) => {
    throw translateDatabaseError(err);
  });
