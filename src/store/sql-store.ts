// The one Store implementation: Prisma over PostgreSQL or PGlite.
import type { KubeObject } from '../apis/kinds.ts';
import { compact, revisionBefore } from './compact.ts';
import { create } from './create.ts';
import { CHANGES_CHANNEL, openDatabase, type Database, type DatabaseOptions } from './database.ts';
import { remove } from './delete.ts';
import { currentRevision, get } from './get.ts';
import { list } from './list.ts';
import { translateDatabaseError } from './objects.ts';
import { select } from './select.ts';
import type { Selection, ListOptions, ListResult, ObjectKey, Store, Watch, WatchOptions, WriteResult } from './types.ts';
import { update } from './update.ts';
import { WatchHub, type WatchHubOptions } from './watch-hub.ts';

export interface StoreOptions extends DatabaseOptions, WatchHubOptions {
  /** Change history kept for watchers that resume, like etcd's under Kubernetes. @default 300000 (5 minutes) */
  retentionMs?: number;
  /** How often the compactor runs; 0 turns it off. @default 60000 */
  compactIntervalMs?: number;
}

export class SqlStore implements Store {
  private compactor: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  private constructor(readonly db: Database, readonly hub: WatchHub) {}

  static async open(options: StoreOptions = {}): Promise<SqlStore> {
    const db = await openDatabase(options);
    const hub = new WatchHub(db.prisma, options);
    await hub.start();
    const store = new SqlStore(db, hub);
    // Writes by other apiserver processes arrive as notifications.
    if (db.engine === 'postgresql') store.unlisten = await db.listen(CHANGES_CHANNEL, () => hub.poke());
    const interval = options.compactIntervalMs ?? 60_000;
    if (interval > 0) {
      const retention = options.retentionMs ?? 300_000;
      store.compactor = setInterval(() => void store.compactOlderThan(retention).catch((err) => console.error('compaction failed', err)), interval);
      store.compactor.unref();
    }
    return store;
  }

  private written<T extends { ok: boolean } | KubeObject | undefined>(result: T): T {
    if (result && (!('ok' in result) || result.ok)) this.hub.poke();
    return result;
  }

  async create(key: ObjectKey, object: KubeObject): Promise<KubeObject | undefined> {
    return this.written(await guard(create(this.db.prisma, key, object)));
  }

  get(key: ObjectKey): Promise<KubeObject | undefined> {
    return guard(get(this.db.prisma, key));
  }

  list(options: ListOptions): Promise<ListResult> {
    return guard(list(this.db.prisma, options));
  }

  select(kind: string, selection: Selection): Promise<KubeObject[]> {
    return guard(select(this.db.prisma, kind, selection));
  }

  async update(key: ObjectKey, object: KubeObject, expectedRevision?: number): Promise<WriteResult> {
    return this.written(await guard(update(this.db.prisma, key, object, expectedRevision)));
  }

  async delete(key: ObjectKey, expectedRevision?: number): Promise<WriteResult> {
    return this.written(await guard(remove(this.db.prisma, key, expectedRevision)));
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
    await this.unlisten?.();
    await this.hub.close();
    await this.db.close();
  }
}

/** Database errors that are the caller's fault become typed errors; the rest pass on. */
const guard = <T>(p: Promise<T>): Promise<T> => p.catch((err: unknown) => { throw translateDatabaseError(err); });
