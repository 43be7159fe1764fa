// A real apiserver with control loops running against it through the SDK, as
// `kubeql up` runs them: the controller-manager's identity, its RBAC rights, HTTP and
// WebSocket. Tests act as users (and, until the scheduler and kubelets exist, as those
// too: they bind pods and post pod status through the API).
import { realClock, type Clock } from '../../src/apimachinery/clock.ts';
import { Client } from '../../src/client/client.ts';
import type { ControllerDescriptor } from '../../src/controllers/context.ts';
import { ControllerManager, type ControllerManagerOptions } from '../../src/controllers/manager.ts';
import { startTestServer, type TestServer } from './server.ts';

export interface TestCluster {
  t: TestServer;
  /** A cluster-admin SDK client (the test's own). */
  admin: Client;
  manager: ControllerManager;
  clock: Clock;
  stop(): Promise<void>;
}

export interface TestClusterOptions extends Partial<Omit<ControllerManagerOptions, 'controllers'>> {
  controllers: readonly ControllerDescriptor[];
  /** Divides every wait of the controllers (as --time-scale). @default 1 */
  timeScale?: number;
  /** An apiserver to use instead of a new one. */
  apiserver?: TestServer;
}

export async function startTestCluster(options: TestClusterOptions): Promise<TestCluster> {
  const t = options.apiserver ?? (await startTestServer());
  const clock = options.clock ?? realClock(options.timeScale ?? 1);
  const token = await t.token('system:kube-controller-manager');
  const { apiserver: _apiserver, timeScale: _timeScale, ...rest } = options;
  const manager = new ControllerManager({
    leaderElection: false,
    log: { info: () => undefined, error: () => undefined },
    ...rest,
    server: t.url,
    token,
    clock,
  });
  manager.start();
  await manager.waitForSync();
  const admin = new Client({ server: t.url, token: t.adminToken });
  return {
    t,
    admin,
    manager,
    clock,
    async stop() {
      await manager.stop();
      await admin.close();
      if (!options.apiserver) await t.stop();
    },
  };
}

/** Polls `check` until it returns a truthy value (returned) or `timeoutMs` passes (throws with the last value seen). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 20_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await check();
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(`${what} not reached within ${timeoutMs} ms; last: ${lastError ? String(lastError) : JSON.stringify(last)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
