// NodePorts: a pod's host ports must be free on the node. A wildcard host IP (0.0.0.0)
// conflicts with the same protocol/port on any IP, and any IP with the wildcard.
import { SUCCESS, skip, unschedulable, type FilterPlugin } from '../framework.ts';
import { podInfo } from '../pod-info.ts';

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";
const KEY = 'PreFilterNodePorts';

interface Port {
  protocol: string;
  ip: string;
  port: string;
}

const split = (key: string): Port => {
  const [protocol, ip, port] = key.split('/') as [string, string, string];
  return { protocol, ip, port };
};

/** HostPortInfo.CheckConflict. */
export function portsConflict(wanted: readonly string[], used: ReadonlySet<string>): boolean {
  if (used.size === 0) return false;
  for (const w of wanted) {
    const p = split(w);
    if (p.ip === '0.0.0.0') {
      for (const u of used) {
        const q = split(u);
        if (q.protocol === p.protocol && q.port === p.port) return true;
      }
    } else if (used.has(w) || used.has(`${p.protocol}/0.0.0.0/${p.port}`)) {
      return true;
    }
  }
  return false;
}

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  preFilter(state, pod) {
    const ports = podInfo(pod).hostPorts;
    if (ports.length === 0) return skip();
    state.set(KEY, ports);
  },
  filter(state, pod, node) {
    const ports = (state.get(KEY) as readonly string[] | undefined) ?? podInfo(pod).hostPorts;
    return portsConflict(ports, node.usedPorts) ? unschedulable(ERR_REASON_PORTS) : SUCCESS;
  },
};
