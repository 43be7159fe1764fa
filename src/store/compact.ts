import type { PrismaClient } from '../generated/prisma/client.ts';

// Deleting the records and moving the compaction point happen in one statement, so a
// reader's snapshot sees both or neither (list and watch check the point they read).
const COMPACT = `
WITH d AS (DELETE FROM kubeql_change WHERE revision <= $1::int8 RETURNING revision)
UPDATE kubeql_cluster SET compact_revision = GREATEST(compact_revision, LEAST($1::int8, revision))
WHERE id = 1
RETURNING compact_revision, (SELECT count(*) FROM d) AS deleted`;

/** Drops change records at or below `revision`; returns the new compaction point. */
export async function compact(prisma: PrismaClient, revision: number): Promise<number> {
  const rows = await prisma.$queryRawUnsafe<{ compact_revision: bigint }[]>(COMPACT, revision);
  return Number(rows[0].compact_revision);
}

/** The newest revision written before `olderThanMs` ago: what a time-based compactor compacts to. */
export async function revisionBefore(prisma: PrismaClient, olderThanMs: number): Promise<number | undefined> {
  const row = await prisma.change.findFirst({
    where: { createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    orderBy: { revision: 'desc' },
    select: { revision: true },
  });
  return row ? Number(row.revision) : undefined;
}

export async function compactRevision(prisma: PrismaClient): Promise<number> {
  const row = await prisma.cluster.findUniqueOrThrow({ where: { id: 1 }, select: { compactRevision: true } });
  return Number(row.compactRevision);
}
