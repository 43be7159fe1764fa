// Priority (kube-apiserver's admission plugin of that name, plugin/pkg/admission/priority):
//
//   pods, on create   spec.priorityClassName → spec.priority and spec.preemptionPolicy from
//                     the PriorityClass; no name: the global default class (its name is
//                     written into the pod), else priority 0 and PreemptLowerPriority.
//                     An unknown class, or a spec.priority / preemptionPolicy that differs
//                     from the class's, is refused.
//   PriorityClasses   only one may be the global default.
//
// It reads other objects but not the caller, so the registry runs it for every write
// (RegistryOptions.admission): on create before validation, as kube-apiserver runs
// mutating admission, and before kubeql's Pod defaulter (which fills priority 0 and
// PreemptLowerPriority where no plugin runs), so that it sees what the caller gave; on
// updates before the write. A pod update that
// leaves spec.priority out keeps the stored one (the Pod strategy's prepareForUpdate).
//
// The classes are answered from a cache — a list, then a watch — rather than a store read
// per pod, as kube-apiserver's plugin reads its informer's lister. Read your writes: this
// apiserver's own PriorityClass writes reach it as they commit (observe(), from the
// registry's `written` hook). A named class the cache does not hold is read from the store
// (another apiserver may have created it a moment ago).
import type { KubeObject } from '../../apis/kinds.ts';
import { DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS, type PreemptionPolicy } from '../../apis/validation/priorityclass.ts';
import { ApiError, ErrorCode, badInput } from '../../apimachinery/errors.ts';
import { realClock, retryWithBackoff, type Clock } from '../../apimachinery/clock.ts';
import type { ChangeType, Store, Watch } from '../../store/index.ts';
import { listEvery } from '../../store/list-every.ts';
import type { AdmissionAttributes } from '../registry/index.ts';

const KIND = 'PriorityClass';

/** What the plugin needs to know of a class. */
export interface PriorityClassInfo {
  name: string;
  value: number;
  globalDefault: boolean;
  preemptionPolicy: PreemptionPolicy;
}

function infoOf(pc: KubeObject): PriorityClassInfo {
  return {
    name: pc.metadata.name ?? '',
    value: typeof pc.value === 'number' ? pc.value : 0,
    globalDefault: pc.globalDefault === true,
    preemptionPolicy: pc.preemptionPolicy === 'Never' ? 'Never' : 'PreemptLowerPriority',
  };
}

/** The PriorityClasses, followed from the store (kube-apiserver's PriorityClass lister). */
export class PriorityClassCache {
  private classes = new Map<string, { info: PriorityClassInfo; revision: number }>();
  private synced = false;
  private stopped = false;
  private watch: Watch | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock = realClock(),
  ) {}

  /** Lists the classes and follows them from there; until it resolves, every question reads the store. */
  async start(): Promise<void> {
    const listed = new Map<string, { info: PriorityClassInfo; revision: number }>();
    const { items, revision } = await listEvery(this.store, KIND);
    for (const pc of items) listed.set(pc.metadata.name!, { info: infoOf(pc), revision: Number(pc.metadata.resourceVersion) });
    if (this.stopped) return;
    for (const [name, e] of this.classes) if (e.revision > revision) listed.set(name, e);
    this.classes = listed;
    const watch = this.store.watch({ kind: KIND, fromRevision: revision });
    this.watch = watch;
    this.synced = true;
    void this.follow(watch);
  }

  private async follow(watch: Watch): Promise<void> {
    try {
      for await (const event of watch) {
        const type: string = event.type;
        if (type !== 'BOOKMARK') this.apply(type as ChangeType, event.object, event.revision);
      }
    } catch {
      // EXPIRED or the store away: relist below
    }
    if (this.stopped || watch !== this.watch) return;
    this.synced = false;
    await retryWithBackoff(
      this.clock,
      () => this.start(),
      () => this.stopped,
    );
  }

  /** A PriorityClass write this apiserver committed (the registry's `written` hook); other kinds are ignored. */
  observe(object: KubeObject, type: ChangeType): void {
    if (object.kind === KIND && object.metadata.name) this.apply(type, object, Number(object.metadata.resourceVersion));
  }

  private apply(type: ChangeType, object: KubeObject, revision: number): void {
    const name = object.metadata.name!;
    const current = this.classes.get(name);
    if (current && current.revision > revision) return;
    if (type === 'DELETED') this.classes.delete(name);
    else this.classes.set(name, { info: infoOf(object), revision });
  }

  /** The class of that name, or undefined. */
  async get(name: string): Promise<PriorityClassInfo | undefined> {
    const cached = this.synced ? this.classes.get(name) : undefined;
    if (cached) return cached.info;
    const pc = await this.store.get({ kind: KIND, namespace: '', name });
    return pc ? infoOf(pc) : undefined;
  }

  /** The global default class; when a race made several, the one of lowest value (as Kubernetes). */
  async globalDefault(): Promise<PriorityClassInfo | undefined> {
    const all = this.synced ? [...this.classes.values()].map((e) => e.info) : await this.listAll();
    let found: PriorityClassInfo | undefined;
    for (const pc of all) if (pc.globalDefault && (!found || pc.value < found.value)) found = pc;
    return found;
  }

  private async listAll(): Promise<PriorityClassInfo[]> {
    const out: PriorityClassInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.store.list({ kind: KIND, limit: 1000, continue: token });
      for (const pc of page.items) out.push(infoOf(pc));
      token = page.continue;
    } while (token);
    return out;
  }

  stop(): void {
    this.stopped = true;
    this.synced = false;
    this.watch?.close();
    this.watch = undefined;
  }
}

/** `pods "web" is forbidden: …` as admission.NewForbidden words it, with kubeql's BAD_USER_INPUT code and a cause. */
function refused(resource: string, name: string | undefined, field: string, why: string): ApiError {
  return badInput(`${resource}${name ? ` "${name}"` : ''} is forbidden: ${why}`, [{ field, message: `Forbidden: ${why}` }]);
}

/** The Priority admission plugin over a cache of the classes. */
export function priorityAdmission(stored: Pick<PriorityClassCache, 'get' | 'globalDefault'>) {
  return async (attrs: AdmissionAttributes): Promise<void> => {
    if (attrs.subresource || !attrs.object) return;
    const classes = attrs.planned?.some((o) => o.kind === KIND) ? withPlanned(stored, attrs.planned) : stored;
    if (attrs.info.kind === 'Pod' && attrs.operation === 'CREATE') await admitPod(classes, attrs.object);
    else if (attrs.info.kind === KIND && (attrs.operation === 'CREATE' || attrs.operation === 'UPDATE')) await validateClass(classes, attrs);
  };
}

/** The stored classes as the same atomic write leaves them: its own PriorityClasses first. */
function withPlanned(
  stored: Pick<PriorityClassCache, 'get' | 'globalDefault'>,
  planned: readonly KubeObject[],
): Pick<PriorityClassCache, 'get' | 'globalDefault'> {
  const mine = new Map(planned.filter((o) => o.kind === KIND).map((o) => [o.metadata.name ?? '', infoOf(o)]));
  return {
    get: async (name) => mine.get(name) ?? stored.get(name),
    globalDefault: async () => [...mine.values()].find((c) => c.globalDefault) ?? stored.globalDefault(),
  };
}

async function admitPod(classes: Pick<PriorityClassCache, 'get' | 'globalDefault'>, pod: KubeObject): Promise<void> {
  const spec = pod.spec;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return; // validation reports it
  const name = pod.metadata.name;
  let priority = DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS;
  let preemptionPolicy: PreemptionPolicy = 'PreemptLowerPriority';
  const className = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  if (!className) {
    const dpc = await classes.globalDefault();
    if (dpc) {
      spec.priorityClassName = dpc.name;
      priority = dpc.value;
      preemptionPolicy = dpc.preemptionPolicy;
    }
  } else {
    const pc = await classes.get(className);
    if (!pc) throw refused('pods', name, 'spec.priorityClassName', `no PriorityClass with name ${className} was found`);
    priority = pc.value;
    preemptionPolicy = pc.preemptionPolicy;
  }
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
    throw refused(
      'pods',
      name,
      'spec.priority',
      `the integer value of priority (${String(spec.priority)}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
    );
  }
  spec.priority = priority;
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null && spec.preemptionPolicy !== preemptionPolicy) {
    throw refused(
      'pods',
      name,
      'spec.preemptionPolicy',
      `the string value of PreemptionPolicy (${String(spec.preemptionPolicy)}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`,
    );
  }
  spec.preemptionPolicy = preemptionPolicy;
}

async function validateClass(classes: Pick<PriorityClassCache, 'get' | 'globalDefault'>, attrs: AdmissionAttributes): Promise<void> {
  const pc = attrs.object!;
  if (pc.globalDefault !== true) return;
  const dpc = await classes.globalDefault();
  if (dpc && (attrs.operation === 'CREATE' || dpc.name !== pc.metadata.name)) {
    throw new ApiError(
      ErrorCode.FORBIDDEN,
      `priorityclasses.scheduling.k8s.io "${pc.metadata.name ?? ''}" is forbidden: PriorityClass ${dpc.name} is already marked as default. Only one default can exist`,
    );
  }
}
