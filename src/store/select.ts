// Batched reads for relations (Pod.node, Node.pods, ReplicaSet.pods, …): one query
// answers a whole batch of keys, so a GraphQL request never does N+1 queries.
import type { KubeObject } from '../apis/kinds.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { fromRow, type SecretCodec } from './objects.ts';
import { selectorToSql } from './selector-sql.ts';
import type { Selection } from './types.ts';

export async function select(prisma: PrismaClient, kind: string, selection: Selection, codec?: SecretCodec): Promise<KubeObject[]> {
  const params: unknown[] = [kind];
  const p = (v: unknown): string => `$${params.push(v)}`;
  let where: string;
  switch (selection.by) {
    case 'key':
      if (!selection.keys.length) return [];
      where = `(namespace, name) IN (SELECT * FROM unnest(${p(selection.keys.map((k) => k.namespace))}::text[], ${p(selection.keys.map((k) => k.name))}::text[]))`;
      break;
    case 'field': {
      if (!selection.values.length) return [];
      const pathArray = `{${selection.path.split('.').join(',')}}`;
      where = `"object" #>> ${p(pathArray)}::text[] = ANY(${p(selection.values)}::text[])`;
      break;
    }
    case 'owner':
      if (!selection.uids.length) return [];
      where = `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof("object"->'metadata'->'ownerReferences') = 'array' THEN "object"->'metadata'->'ownerReferences' ELSE '[]'::jsonb END) AS o WHERE o->>'uid' = ANY(${p(selection.uids)}::text[]))`;
      break;
    case 'label':
      if (!selection.values.length) return [];
      where = `"object"->'metadata'->'labels'->>${p(selection.key)} = ANY(${p(selection.values)}::text[])`;
      break;
    case 'namespace': {
      if (!selection.namespaces.length) return [];
      const s = selectorToSql(selection.labelSelector, selection.fieldSelector, params.length + 2);
      where = `namespace = ANY(${p(selection.namespaces)}::text[])`;
      params.push(...s.params);
      where += ` AND ${s.sql}`;
      break;
    }
  }
  const rows = await prisma.$queryRawUnsafe<{ revision: bigint; object: unknown }[]>(
    `SELECT revision, object FROM kubeql_resource WHERE kind = $1 AND ${where} ORDER BY namespace, name`,
    ...params,
  );
  return rows.map((r) => fromRow(r.object, r.revision, codec));
}
