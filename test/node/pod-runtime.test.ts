// The simulated container state machine on a FakeClock: pulls once per image, readiness,
// exits and restarts per restartPolicy, CrashLoopBackOff delays doubling to the cap,
// init containers first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../src/apimachinery/clock.ts';
import { PodRuntime, BACKOFF_MAX_MS } from '../../src/node/pod-runtime.ts';
import { podPhase, podStatus } from '../../src/node/pod-status.ts';
import { TimerWheel } from '../../src/node/timer-wheel.ts';

function pod(annotations: Record<string, string>, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'uid-1', annotations },
    spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec },
  };
}

function harness(p: Pod) {
  const clock = new FakeClock();
  const wheel = new TimerWheel(clock);
  const images = new Map<string, number>();
  let changes = 0;
  const rt = new PodRuntime(p, {
    clock,
    after: (ms, fn) => wheel.after(ms, fn),
    pull: (image, ms, done) => {
      let at = images.get(image);
      if (at === undefined) images.set(image, (at = clock.monotonic() + ms));
      return wheel.after(Math.max(0, at - clock.monotonic()), done);
    },
    changed: () => {
      changes++;
    },
  });
  rt.start();
  const status = () => podStatus(p, rt, { hostIP: '172.16.0.1', podIP: '10.244.0.2' }, clock.now());
  const ready = () => status().conditions!.find((c) => c.type === 'Ready')!.status;
  return { clock, rt, status, ready, changes: () => changes };
}

test('pull, start and readiness: ContainerCreating → Running → Ready', () => {
  const h = harness(pod({ 'sim.kubeql.io/pull-seconds': '5', 'sim.kubeql.io/start-seconds': '1', 'sim.kubeql.io/ready-after-seconds': '3' }));
  assert.equal(h.status().phase, 'Pending');
  assert.equal(h.status().containerStatuses![0].state!.waiting!.reason, 'ContainerCreating');
  h.clock.step(5_999);
  assert.equal(h.status().phase, 'Pending');
  h.clock.step(1);
  assert.equal(h.status().phase, 'Running');
  assert.equal(h.status().containerStatuses![0].started, true);
  assert.equal(h.ready(), 'False');
  h.clock.step(3_000);
  assert.equal(h.ready(), 'True');
  const s = h.status();
  assert.deepEqual(
    s
      .conditions!.filter((c) => ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].includes(c.type))
      .map((c) => `${c.type}=${c.status}`)
      .sort(),
    ['ContainersReady=True', 'Initialized=True', 'PodScheduled=True', 'Ready=True'],
  );
  assert.equal(s.podIP, '10.244.0.2');
  assert.equal(s.hostIP, '172.16.0.1');
  assert.ok(s.startTime);
});

test('CrashLoopBackOff: the first restart at once, then 10 s doubling to 300 s; restartCount climbs', () => {
  const h = harness(pod({ 'sim.kubeql.io/exit-after-seconds': '1', 'sim.kubeql.io/exit-code': '1' }));
  const c = h.rt.containers[0];
  h.clock.step(1_000); // exits; restarted at once
  assert.equal(c.restartCount, 1);
  assert.equal(h.status().containerStatuses![0].lastState!.terminated!.exitCode, 1);
  assert.equal(h.status().containerStatuses![0].lastState!.terminated!.reason, 'Error');
  h.clock.step(1_000); // exits again: back-off 10 s
  const s = h.status().containerStatuses![0];
  assert.equal(s.state!.waiting!.reason, 'CrashLoopBackOff');
  assert.match(s.state!.waiting!.message!, /^back-off 10s restarting failed container=app pod=p_default\(uid-1\)$/);
  assert.equal(h.status().phase, 'Running');
  assert.equal(h.ready(), 'False');
  for (let i = 0; i < 12; i++) h.clock.step(c.backoffMs + 1_000);
  assert.deepEqual(c.backoffs.slice(0, 7), [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  assert.ok(c.backoffs.every((d) => d <= BACKOFF_MAX_MS));
  const waitingNow = 'waiting' in c.state && c.state.waiting.reason === 'CrashLoopBackOff' ? 1 : 0;
  assert.equal(c.restartCount, 1 + c.backoffs.length - waitingNow);
});

test('the back-off starts over after 10 minutes of running', () => {
  const h = harness(pod({ 'sim.kubeql.io/exit-after-seconds': '1', 'sim.kubeql.io/exit-code': '2' }));
  const c = h.rt.containers[0];
  h.clock.step(1_000);
  h.clock.step(1_000);
  h.clock.step(10_000 + 1_000);
  assert.deepEqual(c.backoffs, [10_000, 20_000]);
  // now the container runs long before exiting
  (c.behaviour as { exitAfterMs: number }).exitAfterMs = 700_000;
  h.clock.step(20_000); // restarted; runs 700 s
  h.clock.step(700_000);
  assert.equal(c.backoffs.at(-1), 20_000);
  assert.equal(c.restartCount, 4); // restarted at once (back-off reset)
});

test('restartPolicy Never: an exit ends the pod (Succeeded on 0, Failed otherwise)', () => {
  const ok = harness(pod({ 'sim.kubeql.io/exit-after-seconds': '2' }, { restartPolicy: 'Never' }));
  ok.clock.step(2_000);
  assert.equal(ok.status().phase, 'Succeeded');
  assert.equal(ok.status().containerStatuses![0].state!.terminated!.reason, 'Completed');
  assert.equal(ok.rt.containers[0].restartCount, 0);
  const bad = harness(pod({ 'sim.kubeql.io/exit-after-seconds': '2', 'sim.kubeql.io/exit-code': '3' }, { restartPolicy: 'Never' }));
  bad.clock.step(60_000);
  assert.equal(bad.status().phase, 'Failed');
  assert.equal(bad.status().containerStatuses![0].state!.terminated!.exitCode, 3);
  assert.equal(bad.rt.containers[0].restartCount, 0);
});

test('restartPolicy OnFailure: a failure restarts, success completes', () => {
  const h = harness(pod({ 'sim.kubeql.io/exit-after-seconds': '1', 'sim.kubeql.io/exit-code': '1' }, { restartPolicy: 'OnFailure' }));
  h.clock.step(1_000);
  assert.equal(h.rt.containers[0].restartCount, 1);
  (h.rt.containers[0].behaviour as { exitCode: number }).exitCode = 0;
  h.clock.step(1_000);
  assert.equal(h.status().phase, 'Succeeded');
  assert.equal(h.rt.containers[0].restartCount, 1);
});

test('per-container annotations and init containers: init runs to completion first', () => {
  const h = harness(
    pod(
      { 'sim.kubeql.io/exit-after-seconds.init': '4', 'sim.kubeql.io/ready-after-seconds.app': '2' },
      {
        initContainers: [{ name: 'init', image: 'busybox' }],
        containers: [
          { name: 'app', image: 'nginx' },
          { name: 'sidecar', image: 'envoy' },
        ],
      },
    ),
  );
  assert.equal(h.status().phase, 'Pending');
  assert.equal(h.status().conditions!.find((c) => c.type === 'Initialized')!.status, 'False');
  assert.equal(h.status().containerStatuses![0].state!.waiting!.reason, 'PodInitializing');
  h.clock.step(3_999);
  assert.equal(h.rt.initDone, 0);
  h.clock.step(1);
  assert.equal(h.status().conditions!.find((c) => c.type === 'Initialized')!.status, 'True');
  assert.equal(h.status().initContainerStatuses![0].state!.terminated!.reason, 'Completed');
  assert.equal(h.status().phase, 'Running');
  assert.equal(h.ready(), 'False'); // app needs 2 s; sidecar is ready at once
  assert.equal(h.status().containerStatuses![1].ready, true);
  h.clock.step(2_000);
  assert.equal(h.ready(), 'True');
});

test('a failing init container under Never fails the pod; under Always it is retried', () => {
  const never = harness(pod({ 'sim.kubeql.io/exit-code.init': '1' }, { restartPolicy: 'Never', initContainers: [{ name: 'init', image: 'busybox' }] }));
  never.clock.step(1);
  assert.equal(never.status().phase, 'Failed');
  const always = harness(pod({ 'sim.kubeql.io/exit-code.init': '1' }, { initContainers: [{ name: 'init', image: 'busybox' }] }));
  always.clock.step(40_000);
  assert.equal(podPhase(always.rt), 'Pending');
  assert.ok(always.rt.initContainers[0].restartCount >= 2);
  assert.equal(always.status().initContainerStatuses![0].state!.waiting?.reason, 'CrashLoopBackOff');
});

test('readiness gates hold Ready until their condition is True', () => {
  const p = pod({}, { readinessGates: [{ conditionType: 'example.com/lb' }] });
  const h = harness(p);
  h.clock.step(1);
  assert.equal(h.status().conditions!.find((c) => c.type === 'ContainersReady')!.status, 'True');
  assert.equal(h.ready(), 'False');
  (p as { status?: Pod['status'] }).status = { conditions: [{ type: 'example.com/lb', status: 'True' }] };
  assert.equal(h.ready(), 'True');
  assert.ok(h.status().conditions!.some((c) => c.type === 'example.com/lb'));
});

test('termination stops every container at once', () => {
  const h = harness(pod({}));
  h.clock.step(1);
  h.rt.terminate();
  const s = h.status().containerStatuses![0];
  assert.equal(s.state!.terminated!.reason, 'Completed');
  assert.equal(s.ready, false);
  assert.equal(h.ready(), 'False');
});

test('a slow shutdown (stop-seconds) stops within the grace period, or is killed when it runs out', () => {
  const slow = harness(
    pod(
      { 'sim.kubeql.io/stop-seconds.app': '5', 'sim.kubeql.io/stop-seconds.side': '60' },
      {
        containers: [
          { name: 'app', image: 'nginx' },
          { name: 'side', image: 'envoy' },
        ],
      },
    ),
  );
  slow.clock.step(1);
  slow.rt.terminate(30_000);
  assert.equal(slow.rt.stopped, false);
  slow.clock.step(5_000);
  assert.equal(slow.status().containerStatuses![0].state!.terminated!.exitCode, 0);
  assert.ok(slow.status().containerStatuses![1].state!.running);
  slow.clock.step(25_000);
  assert.equal(slow.status().containerStatuses![1].state!.terminated!.exitCode, 137);
  assert.equal(slow.rt.stopped, true);
});

test('the timer wheel holds one clock timer for many waits', () => {
  const clock = new FakeClock();
  const wheel = new TimerWheel(clock);
  const fired: number[] = [];
  for (let i = 0; i < 1000; i++) wheel.after(1000 - i, () => fired.push(i));
  assert.equal(clock.pending, 1);
  clock.step(1000);
  assert.equal(fired.length, 1000);
  assert.equal(fired[0], 999);
});
