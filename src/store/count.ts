import type { PrismaClient } from '../generated/prisma/client.ts';

/** Objects stored per kind (apiserver_storage_objects): one grouped count. */
export async function countByKind(prisma: PrismaClient): Promise<Map<string, number>> {
  const rows = await prisma.resource.groupBy({ by: ['kind'], _count: { _all: true } });
  return new Map(rows.map((r) => [r.kind, r._count._all]));
}
