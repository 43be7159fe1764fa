// What the component benchmarks share: kubeql's programs spawned as a user would run them,
// a fresh PostgreSQL database per run, and the clean-up of both.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export class BenchProcesses {
  private readonly children: ChildProcess[] = [];
  private readonly cleanups: (() => Promise<unknown> | unknown)[] = [];

  /**
   * Spawns `kubeql …` (with `nodeArgs` for node itself, e.g. --cpu-prof) and resolves once a
   * line matches `ready`. BENCH_CPU_PROF=dir profiles every program (--cpu-prof into
   * dir/<command>; clean-up then stops them with SIGTERM so that the profiles are written).
   */
  kubeql(args: string[], env: Record<string, string>, ready: RegExp, nodeArgs: string[] = []): Promise<{ match: RegExpMatchArray; child: ChildProcess }> {
    const profiles = process.env.BENCH_CPU_PROF;
    if (profiles && !nodeArgs.includes('--cpu-prof')) nodeArgs = [...nodeArgs, '--cpu-prof', `--cpu-prof-dir=${profiles}/${args[0]}`];
    const child = spawn('node', [...nodeArgs, 'bin/kubeql.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, KUBEQL_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.push(child);
    let out = '';
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = out.match(ready);
        if (m) resolve({ match: m, child });
      });
      child.stderr!.on('data', (c: Buffer) => {
        out += c.toString();
      });
      child.once('exit', (code) => reject(new Error(`kubeql ${args[0]} exited with ${code}:\n${out}`)));
    });
  }

  /** A fresh database on DATABASE_URL's server (dropped by `cleanUp`); '' without DATABASE_URL (PGlite). */
  async freshDatabase(prefix: string): Promise<string> {
    const url = process.env.DATABASE_URL;
    if (!url) return '';
    const name = `${prefix}_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    this.cleanups.push(async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
  }

  onCleanUp(fn: () => Promise<unknown> | unknown): void {
    this.cleanups.push(fn);
  }

  /** Kills every spawned program, then runs the clean-ups in reverse. */
  async cleanUp(): Promise<void> {
    if (process.env.BENCH_CPU_PROF) {
      await Promise.all(
        this.children
          .filter((c) => c.exitCode === null && c.signalCode === null)
          .map(
            (c) =>
              new Promise((r) => {
                c.once('exit', r);
                c.kill('SIGTERM');
                setTimeout(r, 15_000).unref();
              }),
          ),
      );
    }
    for (const c of this.children) c.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    for (const c of this.cleanups.reverse()) await c();
  }
}

export function commitOf(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '?';
  }
}
