// A pod's `Topology Spread Constraints:` (kubectl's describeTopologySpreadConstraints).
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { LEVEL_0, type PrefixWriter } from './prefix-writer.ts';
import { formatSelector } from './selectors.ts';

export function describeTopologySpreadConstraints(constraints: readonly TopologySpreadConstraint[] | undefined, w: PrefixWriter, space: string): void {
  if (!constraints?.length) return;
  const sorted = [...constraints].sort((a, b) => (a.topologyKey < b.topologyKey ? -1 : a.topologyKey > b.topologyKey ? 1 : 0));
  w.write(LEVEL_0, `${space}Topology Spread Constraints:\t`);
  sorted.forEach((c, i) => {
    if (i !== 0) w.write(LEVEL_0, `${space}\t`);
    const selector = c.labelSelector ? ` for selector ${formatSelector(c.labelSelector)}` : '';
    w.write(LEVEL_0, `${c.topologyKey}:${c.whenUnsatisfiable} when max skew ${c.maxSkew} is exceeded${selector}\n`);
  });
}
