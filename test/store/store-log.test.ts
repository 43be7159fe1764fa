// The store reports its failures to the logger it is given (the apiserver's, under
// `kubeql up`), not to stderr: here the watch hub's change-log reads fail for real — the
// change table is renamed away under it — and the logger hears of the outage once and
// of the recovery.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogFields, PartialLogger } from '../../src/observability/log.ts';
import type { SqlStore } from '../../src/store/index.ts';
import { openTestStore } from '../helpers/database.ts';
import { podObject } from '../helpers/objects.ts';
import { startTestServer } from '../helpers/server.ts';

interface Line {
  level: 'error' | 'info';
  message: string;
  fields: LogFields;
}

function recordingLogger(): { log: PartialLogger; lines: Line[] } {
  const lines: Line[] = [];
  return {
    lines,
    log: {
      error: (message, fields) => void lines.push({ level: 'error', message, fields }),
      info: (message, fields) => void lines.push({ level: 'info', message, fields }),
    },
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What the store writes to stderr while `run` runs. */
async function stderrDuring(run: () => Promise<void>): Promise<string> {
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    written.push(String(chunk));
    return (write as (...args: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    await run();
  } finally {
    process.stderr.write = write;
  }
  return written.join('');
}

const READ_FAILED = 'watch hub: reading the change log failed; retrying on every poll';
const READ_WORKS = 'watch hub: reading the change log works again';

/** Breaks the hub's change-log reads (the table is renamed away), pokes it, then mends them and pokes again. */
async function outage(store: SqlStore, lines: Line[]): Promise<void> {
  await store.db.prisma.$executeRawUnsafe('ALTER TABLE kubeql_change RENAME TO kubeql_change_away');
  try {
    store.hub.poke();
    await until(() => lines.some((l) => l.message === READ_FAILED), 'the read failure to be logged');
    store.hub.poke(); // a second failed poll in the same outage logs nothing more
    store.hub.poke();
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    await store.db.prisma.$executeRawUnsafe('ALTER TABLE kubeql_change_away RENAME TO kubeql_change');
  }
  store.hub.poke();
  await until(() => lines.some((l) => l.message === READ_WORKS), 'the recovery to be logged');
}

test("the watch hub's change-log read failure and its recovery reach the store's logger, not stderr", async () => {
  const { log, lines } = recordingLogger();
  const { store, close } = await openTestStore({ log, pollIntervalMs: 3_600_000 });
  try {
    const stderr = await stderrDuring(() => outage(store, lines));
    const failures = lines.filter((l) => l.message === READ_FAILED);
    assert.equal(failures.length, 1, JSON.stringify(lines));
    assert.equal(failures[0].level, 'error');
    assert.match(String(failures[0].fields.error), /kubeql_change/);
    assert.equal(lines.find((l) => l.message === READ_WORKS)?.level, 'info');
    assert.doesNotMatch(stderr, /watch hub/);
    // The hub follows the log again: a write after the outage reaches a watcher.
    const from = await store.currentRevision();
    const watch = store.watch({ kind: 'Pod', namespace: 'default', fromRevision: from });
    const created = await store.create({ kind: 'Pod', namespace: 'default', name: 'after' }, podObject('after'));
    const it = watch[Symbol.asyncIterator]();
    const first = await it.next();
    watch.close();
    assert.equal(first.value?.object.metadata.resourceVersion, created!.metadata.resourceVersion);
  } finally {
    await close();
  }
});

test("the apiserver's store logs to the apiserver's logger", async () => {
  const { log, lines } = recordingLogger();
  const t = await startTestServer({ logger: log, store: { pollIntervalMs: 3_600_000 } });
  try {
    const stderr = await stderrDuring(() => outage(t.server.store, lines));
    assert.equal(lines.filter((l) => l.message === READ_FAILED).length, 1, JSON.stringify(lines));
    assert.doesNotMatch(stderr, /watch hub/);
  } finally {
    await t.stop();
  }
});
