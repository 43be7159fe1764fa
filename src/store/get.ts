import type { KubeObject } from '../apis/kinds.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { fromRow, type SecretCodec } from './objects.ts';
import type { ObjectKey } from './types.ts';

export async function get(prisma: PrismaClient, key: ObjectKey, codec?: SecretCodec): Promise<KubeObject | undefined> {
  const row = await prisma.resource.findUnique({
    where: { kind_namespace_name: key },
    select: { object: true, revision: true },
  });
  return row ? fromRow(row.object, row.revision, codec) : undefined;
}

export async function currentRevision(prisma: PrismaClient): Promise<number> {
  const row = await prisma.cluster.findUniqueOrThrow({ where: { id: 1 }, select: { revision: true } });
  return Number(row.revision);
}
