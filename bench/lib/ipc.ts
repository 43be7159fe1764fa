// Benchmark processes: each part of a benchmark (the apiserver, the load client, the
// subscribers, a baseline server) runs as its own Node process (`node --import tsx/esm
// <script>`), driven by the bench script over the IPC channel with request/response
// messages. Shared by bench/writes.bench.ts and bench/watch-fanout.bench.ts.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Request {
  id: number;
  type: string;
  args: unknown;
}
interface Response {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export interface BenchProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Sends a request to the process's handler of that type; resolves with its result. */
  call<T = unknown>(type: string, args?: unknown): Promise<T>;
  /** Asks the process to finish (`stop` handler, then exit) and waits for its exit. */
  stop(): Promise<void>;
}

/** Forks `node --import tsx/esm [...nodeArgs] bench/lib/<script>` with an IPC channel. */
export function startProcess(name: string, script: string, options: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): BenchProcess {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    cwd: ROOT,
    // tsx's ESM hooks only, as bin/kubeql.js runs kubeql (`register()` from tsx/esm/api): `--import tsx`
    // also hooks CommonJS resolution, which makes every require() slow (Apollo Server calls
    // require('crypto') for every request).
    execArgv: ['--import', 'tsx/esm', ...(options.nodeArgs ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let seq = 0;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const p of pending.values()) p.reject(new Error(`${name} exited (${code ?? signal}) with a request pending`));
      pending.clear();
      resolve();
    }),
  );
  child.on('message', (m: Response) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(`${name}: ${m.error}`));
  });
  const call = <T>(type: string, args?: unknown) =>
    new Promise<T>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`${name} has exited`));
      const id = ++seq;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, type, args } satisfies Request);
    });
  return {
    name,
    child,
    call,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await call('stop').catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export type Handlers = Record<string, (args: any) => unknown>;

/**
 * The child side: answers requests with `handlers`. A `stop` request runs
 * `handlers.stop` (if any), answers, and exits the process normally (so `--cpu-prof`
 * writes its profile); losing the parent does the same.
 */
export function serve(handlers: Handlers): void {
  if (!process.send) throw new Error('this script is a benchmark part: start it through bench/lib/ipc.ts');
  let stopping = false;
  const stop = async (id?: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await handlers.stop?.(undefined);
    } catch (err) {
      console.error(err);
    }
    const exit = () => {
      if (process.connected) process.disconnect();
      setImmediate(() => process.exit(0));
    };
    if (id !== undefined && process.connected) process.send!({ id, ok: true } satisfies Response, exit);
    else exit();
  };
  process.on('message', async (m: Request) => {
    if (m.type === 'stop') return stop(m.id);
    const handler = handlers[m.type];
    try {
      if (!handler) throw new Error(`no handler for ${m.type}`);
      const result = await handler(m.args);
      process.send!({ id: m.id, ok: true, result } satisfies Response);
    } catch (err) {
      process.send!({ id: m.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies Response);
    }
  });
  process.on('disconnect', () => void stop());
}

/** Milliseconds on the machine's wall clock with sub-millisecond resolution (comparable across processes). */
export const wallMs = (): number => performance.timeOrigin + performance.now();
