// Runs kubeql as a separate process, as a user would, and finds its URL.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface KubeqlProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code, or the signal's name when a signal ended it. */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/** `kubeql up` as the bare apiserver: no fleet, no controllers, no scheduler — nothing but the test changes objects (API.md "Running a cluster"). */
export const BARE_APISERVER = { KUBEQL_NODES: '0', KUBEQL_CONTROLLERS: '0', KUBEQL_SCHEDULER: '0' } as const;

/** Spawns `command args…` in the repo root and waits for its ready line (default "listening on <url>"; `url` is the first group). */
export function spawnKubeql(command: string, args: string[], env: Record<string, string> = {}, ready = /listening on (http:\/\/\S+)/): Promise<KubeqlProcess> {
  // Its own process group, so a stop signals the whole tree (npm → node), as Ctrl-C in a terminal does.
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(ready);
      if (m) {
        child.stdout!.off('data', onData);
        child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
        resolve({
          child,
          url: (m[1] ?? '').replace('localhost', '127.0.0.1'),
          output: () => out,
          stop: (signal = 'SIGTERM') =>
            new Promise((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode ?? child.signalCode);
              child.once('exit', (code, sig) => done(code ?? sig));
              try {
                process.kill(-child.pid!, signal);
              } catch {
                // the group is gone already (its exit is on its way)
              }
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code} before listening:\n${out}`)));
  });
}

/** `kubeql token create …` through the CLI, as a user would mint a token. */
export function mintToken(args: string[]): string {
  const out = execFileSync('node', ['bin/kubeql.js', 'token', 'create', ...args], { cwd: ROOT, encoding: 'utf8' });
  return out.trim();
}
