// Endpoints (core/v1): the legacy per-Service address list (EndpointSlices supersede it);
// ports default to TCP. No status subresource.
import { isIPv6 } from 'node:net';
import type { KubeObject } from '../kinds.ts';
import { isRec, type Rec } from '../validation/field.ts';
import { validateEndpoints } from '../validation/endpoints.ts';
import { AGE_COLUMN, NAME_COLUMN, defineKind, defineStrategy } from './define.ts';

const recs = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRec) : []);

/** SetDefaults_Endpoints: a port's protocol is TCP. */
export function defaultEndpoints(ep: KubeObject): void {
  for (const ss of recs(ep.subsets)) {
    for (const p of recs(ss.ports)) if (p.protocol === undefined || p.protocol === null || p.protocol === '') p.protocol = 'TCP';
  }
}

/** kubectl's formatEndpoints: `ip:port` for every port and ready address, three of them and `+ N more...`. */
export function formatEndpoints(ep: KubeObject): string {
  const subsets = recs(ep.subsets);
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    for (const port of recs(ss.ports)) {
      for (const addr of recs(ss.addresses)) {
        if (list.length < max) {
          const ip = String(addr.ip ?? '');
          list.push(`${isIPv6(ip) ? `[${ip}]` : ip}:${String(port.port ?? 0)}`);
        }
        count++;
      }
    }
  }
  const text = list.join(',');
  return count > max ? `${text} + ${count - max} more...` : text;
}

export const endpointsStrategy = defineStrategy({
  info: defineKind('Endpoints', 'v1', 'endpoints', true, { hasStatus: false, shortNames: ['ep'] }),
  validate: validateEndpoints,
  defaults: defaultEndpoints,
  printColumns: [
    NAME_COLUMN,
    { name: 'ENDPOINTS', type: 'string', source: { compute: formatEndpoints }, description: 'The set of all endpoints is the union of all subsets.' },
    AGE_COLUMN,
  ],
});
