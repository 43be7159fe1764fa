// The watchers of bench/watch-fanout.bench.ts, in a process of their own: `count`
// graphql-ws clients, each on its own WebSocket, each with one subscription to
// `watchPods(namespace: …)`. Every ADDED event's send time (annotation SENT_AT, put
// there by the creating client or the baseline's publisher) is compared with its
// arrival (same machine, same wall clock) for the delivery latency.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { serve, wallMs } from './ipc.ts';
import { SENT_AT } from './pods.ts';
import { summarize, type Summary } from './stats.ts';

export const WATCH = 'subscription($ns: String) { watchPods(namespace: $ns) { type object { metadata { name resourceVersion annotations } } } }';

interface Event {
  type: string;
  object: { metadata: { name: string; resourceVersion: string; annotations?: Record<string, string> | null } };
}

interface Subscriber {
  client: Client;
  ready: boolean;
  added: number;
  duplicates: number;
  outOfOrder: number;
  other: number;
  names: Set<string>;
  lastRevision: number;
  error?: string;
  dispose(): void;
}

export interface DeliveryReport {
  subscribers: number;
  expected: number;
  /** Fewest and most ADDED events any subscriber received. */
  min: number;
  max: number;
  /** Every subscriber got exactly the expected events, once each, in resourceVersion order. */
  complete: boolean;
  duplicates: number;
  outOfOrder: number;
  errors: string[];
  /** Send → receive, milliseconds, over every event at every subscriber. */
  latency: Summary;
  /** From the first send to the last event received anywhere (s). */
  seconds: number;
}

let subs: Subscriber[] = [];
let latencies: number[] = [];
let firstSent = Infinity;
let lastReceived = 0;
let wake: (() => void) | undefined;

/** Subscriber i authenticates with tokens[i % tokens.length] (none: no credentials). */
function open(args: { wsUrl: string; tokens?: string[]; count: number; namespace: string }): Promise<void> {
  latencies = [];
  firstSent = Infinity;
  lastReceived = 0;
  subs = Array.from({ length: args.count }, (_, i) => {
    const token = args.tokens?.length ? args.tokens[i % args.tokens.length] : undefined;
    const client = createClient({
      url: args.wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    });
    const s: Subscriber = {
      client,
      ready: false,
      added: 0,
      duplicates: 0,
      outOfOrder: 0,
      other: 0,
      names: new Set(),
      lastRevision: 0,
      dispose: () => undefined,
    };
    s.dispose = client.subscribe<{ watchPods: Event }>(
      { query: WATCH, variables: { ns: args.namespace } },
      {
        next: ({ data, errors }) => {
          const now = wallMs();
          if (errors?.length || !data) {
            s.error ??= JSON.stringify(errors).slice(0, 300);
            return wake?.();
          }
          const e = data.watchPods;
          const meta = e.object.metadata;
          if (e.type === 'BOOKMARK') {
            s.ready = true;
          } else if (e.type === 'ADDED') {
            if (s.names.has(meta.name)) s.duplicates++;
            s.names.add(meta.name);
            const rv = Number(meta.resourceVersion);
            if (rv <= s.lastRevision) s.outOfOrder++;
            s.lastRevision = rv;
            s.added++;
            const sent = Number(meta.annotations?.[SENT_AT]);
            if (sent) {
              latencies.push(now - sent);
              if (sent < firstSent) firstSent = sent;
            }
            lastReceived = now;
          } else {
            s.other++;
          }
          wake?.();
        },
        error: (err) => {
          s.error ??= err instanceof Error ? err.message : JSON.stringify(err).slice(0, 300);
          wake?.();
        },
        complete: () => undefined,
      },
    );
    return s;
  });
  return until(() => subs.every((s) => s.ready || s.error), 60_000).then(() => {
    const failed = subs.filter((s) => s.error);
    if (failed.length) throw new Error(`${failed.length} subscriptions failed: ${failed[0].error}`);
  });
}

async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 100);
    });
    wake = undefined;
  }
  return true;
}

async function wait(args: { expected: number; timeoutMs: number }): Promise<DeliveryReport> {
  await until(() => subs.every((s) => s.added >= args.expected || s.error), args.timeoutMs);
  await new Promise((r) => setTimeout(r, 200)); // anything extra (a duplicate) would arrive now
  const counts = subs.map((s) => s.added);
  const duplicates = subs.reduce((n, s) => n + s.duplicates, 0);
  const outOfOrder = subs.reduce((n, s) => n + s.outOfOrder, 0);
  return {
    subscribers: subs.length,
    expected: args.expected,
    min: Math.min(...counts),
    max: Math.max(...counts),
    complete: counts.every((n) => n === args.expected) && duplicates === 0 && outOfOrder === 0 && subs.every((s) => s.names.size === args.expected && !s.error),
    duplicates,
    outOfOrder,
    errors: subs
      .filter((s) => s.error)
      .map((s) => s.error!)
      .slice(0, 3),
    latency: summarize(latencies),
    seconds: (lastReceived - firstSent) / 1000,
  };
}

async function close(): Promise<void> {
  for (const s of subs) s.dispose();
  await Promise.all(subs.map((s) => s.client.dispose()));
  subs = [];
}

serve({ open, wait, close, stop: close });
