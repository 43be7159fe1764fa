// What every control loop of the controller-manager is given: the SDK client (its only
// way to the apiserver), the process's shared informers, the cluster clock and an event
// recorder. A controller is one file under src/controllers that exports a
// ControllerDescriptor; manager.ts starts them all once this process leads.
import type { Clock } from '../apimachinery/clock.ts';
import type { Client } from '../client/client.ts';
import type { SharedInformers } from '../client/shared-informers.ts';
import type { EventRecorder } from '../client/event-recorder.ts';
import type { Logger } from '../observability/log.ts';

export interface ControllerContext {
  client: Client;
  informers: SharedInformers;
  clock: Clock;
  /** Records Events as `source.component` = the controller's name (e.g. `replicaset-controller`). */
  recorder(component: string): EventRecorder;
  log: Logger;
}

export interface RunningController {
  /** Stops taking work; resolves once the work in hand is done. */
  stop(): Promise<void>;
}

export interface ControllerDescriptor {
  /** Kubernetes' name for the loop: `replicaset`, `deployment`, `garbage-collector`, … */
  name: string;
  /**
   * Wires handlers on the shared informers and starts the workers. Called before the
   * informers have synced; a controller must not act on a cache that has not
   * (`informer.hasSynced()` / `informers.waitForSync()`).
   */
  start(context: ControllerContext): RunningController | Promise<RunningController>;
}
