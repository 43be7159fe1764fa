// Summarises a V8 .cpuprofile (node --cpu-prof): where the process's CPU time went.
//   npx tsx bench/lib/profile-summary.ts <file.cpuprofile | dir> [--phase create] [--top 40] [--json] [--wall-time]
// A directory means the largest .cpuprofile in it (the main thread) and, when present, the
// phase marks bench/lib/server.ts wrote there (`begin <name>` / `end <name>`); --phase keeps
// the samples inside the windows whose name starts with the given prefix
// (e.g. `create`, `create/32`, `bind/32/2`).
// Each sample counts one sampling interval (--wall-time: the time to the next sample, which
// also holds the time the thread did not run). Prints, as % of the busy (non-idle) samples:
//   - components: each sample is owned by the innermost frame that a rule below matches
//     (so JSON.parse under Prisma counts as JSON, Prisma's own code as Prisma); sums to 100 %;
//   - inclusive components: % of samples with the component anywhere on the stack (overlap);
//   - top functions by self time and by total (inclusive) time, as file:line function.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './ipc.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Rules: the first matching rule (in this order) of the innermost matching frame owns a sample. */
const RULES: { name: string; test: (f: CallFrame, file: string) => boolean }[] = [
  { name: 'GC', test: (f) => f.functionName === '(garbage collector)' },
  { name: 'JSON.parse / JSON.stringify (builtins)', test: (f) => f.url === '' && (f.functionName === 'parse' || f.functionName === 'stringify') },
  { name: 'structuredClone (builtin)', test: (f) => f.url === '' && f.functionName === 'structuredClone' },
  {
    name: 'socket writes (writev / write natives)',
    test: (f) => f.url === '' && /^(writev|writeUtf8String|writeLatin1String|writeBuffer|writeAsciiString|writeUcs2String)$/.test(f.functionName),
  },
  { name: 'promise / microtask machinery (runMicrotasks)', test: (f) => f.url === '' && f.functionName === 'runMicrotasks' },
  { name: 'GraphQL parse (graphql/language)', test: (_f, p) => p.includes('node_modules/graphql/language/') },
  { name: 'GraphQL validate (graphql/validation)', test: (_f, p) => p.includes('node_modules/graphql/validation/') },
  { name: 'GraphQL execute (graphql/execution, values, coercion)', test: (_f, p) => /node_modules\/graphql\/(execution|utilities|type|jsutils)\//.test(p) },
  { name: 'cost analysis (hardening/cost.ts)', test: (_f, p) => p.endsWith('src/apiserver/hardening/cost.ts') },
  {
    name: 'other query limits (src/apiserver/hardening/*)',
    test: (_f, p) => p.includes('src/apiserver/hardening/') || p.includes('@escape.tech/graphql-armor'),
  },
  { name: 'JWT (jose, authn)', test: (_f, p) => p.includes('node_modules/jose/') || p.includes('src/apiserver/authn/') },
  { name: 'RBAC (authz, access.ts)', test: (_f, p) => p.includes('src/apiserver/authz/') || p.endsWith('src/apiserver/access.ts') },
  { name: 'admission plugins (src/apiserver/admission)', test: (_f, p) => p.includes('src/apiserver/admission/') },
  { name: 'conformance check (graphql/conformance.ts)', test: (_f, p) => p.endsWith('src/apiserver/graphql/conformance.ts') },
  {
    name: 'Kubernetes validation (src/apis/validation, apimachinery/validation)',
    test: (_f, p) => p.includes('src/apis/validation/') || p.endsWith('src/apimachinery/validation.ts'),
  },
  { name: 'defaults (src/apis/defaults.ts, quantity.ts)', test: (_f, p) => p.endsWith('src/apis/defaults.ts') || p.endsWith('src/apis/quantity.ts') },
  { name: 'watch hub (src/store/watch-hub.ts)', test: (_f, p) => p.endsWith('src/store/watch-hub.ts') },
  { name: 'store (src/store/*)', test: (_f, p) => p.includes('/src/store/') },
  { name: 'registry (src/apiserver/registry)', test: (_f, p) => p.includes('src/apiserver/registry/') },
  { name: 'other kubeql (src/*)', test: (_f, p) => p.includes('/src/') && !p.includes('/src/generated/') },
  {
    name: 'Prisma client runtime (@prisma/client, generated client)',
    test: (_f, p) => p.includes('node_modules/@prisma/client/') || p.includes('/src/generated/'),
  },
  {
    name: 'Prisma pg adapter (@prisma/adapter-pg, driver-adapter-utils)',
    test: (_f, p) => p.includes('node_modules/@prisma/adapter-pg/') || p.includes('node_modules/@prisma/driver-adapter-utils/'),
  },
  { name: 'Prisma PGlite adapter, PGlite', test: (_f, p) => p.includes('pglite') },
  { name: 'pg driver (pg, pg-protocol, pg-types)', test: (_f, p) => /node_modules\/(pg|pg-protocol|pg-types|pg-pool|postgres-[a-z]+)\//.test(p) },
  { name: 'Apollo Server', test: (_f, p) => p.includes('node_modules/@apollo/') || p.includes('node_modules/@as-integrations/') },
  {
    name: 'type-graphql, class-validator',
    test: (_f, p) => p.includes('node_modules/type-graphql/') || p.includes('node_modules/class-validator/') || p.includes('node_modules/reflect-metadata/'),
  },
  { name: 'graphql-ws, ws', test: (_f, p) => p.includes('node_modules/graphql-ws/') || p.includes('node_modules/ws/') || p.includes('@repeaterjs') },
  {
    name: 'express, body-parser, http helpers',
    test: (_f, p) =>
      /node_modules\/(express|body-parser|router|raw-body|type-is|content-type|on-finished|finalhandler|send|qs|iconv-lite|negotiator|accepts|mime[-a-z]*|debug|depd|cookie|vary|etag|fresh|parseurl|statuses|http-errors|media-typer|encodeurl|escape-html|serve-static|merge-descriptors|cors|setprototypeof|range-parser|proxy-addr|forwarded|ipaddr\.js)\//.test(
        p,
      ),
  },
  { name: 'other npm packages', test: (_f, p) => p.includes('node_modules/') },
  {
    name: 'Node internals: HTTP, net, streams',
    test: (_f, p) => /^node:(_http|http|net|stream|internal\/(streams|http|js_stream))/.test(p) || /internal\/(streams|http|net)/.test(p),
  },
  // Node's crypto (hashing, signatures) counts for its caller: jose, etag, Apollo's query hash.
  { name: 'Node internals: other', test: (_f, p) => p.startsWith('node:') && !/^node:(internal\/)?crypto/.test(p) },
  // Other natives (digest, sign, Buffer ops…) count for their caller too.
  { name: '(program): V8/Node native, not JS', test: (f) => f.functionName === '(program)' },
];

function fileOf(f: CallFrame): string {
  let u = f.url;
  if (u.startsWith('file://')) u = u.slice(7);
  if (u.startsWith(ROOT)) u = u.slice(ROOT.length);
  return u;
}

const short = (p: string) => p.replace(/^.*node_modules\//, '~/').replace(/^\//, '');
/** `file:function` (with the line, where it means something: tsx-compiled sources report line 1). */
const label = (f: CallFrame) =>
  `${f.url ? `${short(fileOf(f))}${f.lineNumber > 0 ? `:${f.lineNumber + 1}` : ''}` : '[native]'}:${f.functionName || '(anonymous)'}`;

function pickProfile(target: string): { file: string; marksFile?: string } {
  if (!statSync(target).isDirectory()) return { file: target };
  const profiles = readdirSync(target)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(target, f));
  if (!profiles.length) throw new Error(`no .cpuprofile in ${target}`);
  profiles.sort((a, b) => statSync(b).size - statSync(a).size);
  const marks = readdirSync(target).find((f) => f.startsWith('marks.') && f.endsWith('.json'));
  return { file: profiles[0], marksFile: marks && path.join(target, marks) };
}

export interface Summary {
  file: string;
  windowMs: number;
  busyMs: number;
  idleMs: number;
  components: { name: string; ms: number; pct: number }[];
  inclusive: { name: string; ms: number; pct: number }[];
  self: { fn: string; ms: number; pct: number }[];
  total: { fn: string; ms: number; pct: number }[];
}

export function summarizeProfile(file: string, windows: [number, number][] | undefined, top = 40, countSamples = true): Summary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  // Per node (memoised): its owner component, the set of components and of function labels on its stack.
  const ruleMemo = new Map<CallFrame, string | undefined>();
  const ruleOf = (f: CallFrame) => {
    if (!ruleMemo.has(f)) ruleMemo.set(f, RULES.find((r) => r.test(f, fileOf(f)))?.name);
    return ruleMemo.get(f);
  };
  const ownerMemo = new Map<number, string>();
  const owner = (id: number): string => {
    let cached = ownerMemo.get(id);
    if (cached !== undefined) return cached;
    const r = ruleOf(byId.get(id)!.callFrame);
    const p = parent.get(id);
    cached = r ?? (p === undefined ? '(root)' : owner(p));
    ownerMemo.set(id, cached);
    return cached;
  };

  // Time per node (self), in the windows.
  const nodeSelf = new Map<number, number>();
  let busy = 0;
  let idle = 0;
  let window = 0;
  let t = profile.startTime;
  const times = profile.timeDeltas.map((d) => (t += d));
  const inWindow = (ts: number) => !windows || windows.some(([a, b]) => ts >= a && ts < b);
  const interval = [...profile.timeDeltas].sort((a, b) => a - b)[Math.floor(profile.timeDeltas.length / 2)] / 1000;
  for (let i = 0; i < profile.samples.length; i++) {
    const ts = times[i];
    if (!inWindow(ts)) continue;
    // A sample counts one sampling interval: the gap to the next sample also holds time the
    // thread was not running (a loaded machine, or preemption in a syscall that woke another
    // process), which would inflate whatever it was doing when it got the CPU back.
    const dur = countSamples ? interval : ((i + 1 < times.length ? times[i + 1] : profile.endTime) - ts) / 1000;
    window += dur;
    const id = profile.samples[i];
    if (byId.get(id)!.callFrame.functionName === '(idle)') idle += dur;
    else {
      busy += dur;
      nodeSelf.set(id, (nodeSelf.get(id) ?? 0) + dur);
    }
  }
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const comps = new Map<string, number>();
  const incl = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const [id, dur] of nodeSelf) {
    add(self, label(byId.get(id)!.callFrame), dur);
    add(comps, owner(id), dur);
    const seenFns = new Set<string>();
    const seenComps = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)!.callFrame;
      if (f.functionName === '(root)') break;
      seenFns.add(label(f));
      const r = ruleOf(f);
      if (r) seenComps.add(r);
    }
    for (const k of seenFns) add(total, k, dur);
    for (const k of seenComps) add(incl, k, dur);
  }
  const rank = <K extends string>(m: Map<string, number>, key: K, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => ({ [key]: k, ms: v, pct: (100 * v) / busy }) as { [P in K]: string } & { ms: number; pct: number });
  return {
    file,
    windowMs: window,
    busyMs: busy,
    idleMs: idle,
    components: rank(comps, 'name', 100),
    inclusive: rank(incl, 'name', 100),
    self: rank(self, 'fn', top),
    total: rank(total, 'fn', top),
  };
}

/** Windows from bench/lib/server.ts's marks whose name starts with `phase`. */
export function phaseWindows(marksFile: string, phase: string): [number, number][] {
  const { marks } = JSON.parse(readFileSync(marksFile, 'utf8')) as { marks: { label: string; us: number }[] };
  const open = new Map<string, number>();
  const out: [number, number][] = [];
  for (const m of marks) {
    const [edge, name] = [m.label.slice(0, m.label.indexOf(' ')), m.label.slice(m.label.indexOf(' ') + 1)];
    if (!name.startsWith(phase)) continue;
    if (edge === 'begin') open.set(name, m.us);
    else if (edge === 'end' && open.has(name)) out.push([open.get(name)!, m.us]);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('profile-summary.ts')) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { phase: { type: 'string' }, top: { type: 'string' }, json: { type: 'boolean' }, 'wall-time': { type: 'boolean' } },
  });
  if (!positionals[0]) throw new Error('usage: profile-summary.ts <file.cpuprofile | dir> [--phase name] [--top N] [--json]');
  const { file, marksFile } = pickProfile(positionals[0]);
  let windows: [number, number][] | undefined;
  if (values.phase) {
    if (!marksFile) throw new Error('--phase needs the marks file next to the profile');
    windows = phaseWindows(marksFile, values.phase);
    if (!windows.length) throw new Error(`no phase ${values.phase} in ${marksFile}`);
  }
  const s = summarizeProfile(file, windows, Number(values.top ?? 40), !values['wall-time']);
  if (values.json) {
    console.log(JSON.stringify(s, null, 1));
  } else {
    const pct = (v: number) => `${v.toFixed(1).padStart(5)} %`;
    const msf = (v: number) => `${v.toFixed(0).padStart(7)} ms`;
    console.log(`${s.file}${values.phase ? ` — phase ${values.phase} (${windows!.length} windows)` : ''}`);
    const how = values['wall-time']
      ? 'each sample weighted by the time to the next (wall time)'
      : 'each sample counts one sampling interval (CPU time; --wall-time for gaps included)';
    console.log(
      `${how}: busy ${(s.busyMs / 1000).toFixed(2)} s, idle ${(s.idleMs / 1000).toFixed(2)} s (${((100 * s.busyMs) / s.windowMs).toFixed(0)} % busy); % below are of busy time`,
    );
    // Samples inside socket writes are mostly the thread preempted in the syscall (the peer it
    // woke took the CPU), not CPU it used: the second column leaves them out.
    const writes = s.components.find((c) => c.name.startsWith('socket writes'))?.ms ?? 0;
    console.log('\ncomponents (each sample owned by its innermost matching frame; sums to 100 %), % of busy | % of busy without socket writes');
    for (const c of s.components)
      console.log(`  ${pct(c.pct)} ${c.name.startsWith('socket writes') ? '      —' : pct((100 * c.ms) / (s.busyMs - writes))} ${msf(c.ms)}  ${c.name}`);
    console.log('\ninclusive (component anywhere on the stack; overlaps)');
    for (const c of s.inclusive) console.log(`  ${pct(c.pct)} ${msf(c.ms)}  ${c.name}`);
    console.log('\ntop functions by self time');
    for (const f of s.self) console.log(`  ${pct(f.pct)} ${msf(f.ms)}  ${f.fn}`);
    console.log('\ntop functions by total time (on the stack; async callers are lost after an await)');
    for (const f of s.total) console.log(`  ${pct(f.pct)} ${msf(f.ms)}  ${f.fn}`);
  }
}
