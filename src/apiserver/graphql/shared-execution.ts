// Watch fan-out without N executions per event. Kube-apiserver's watch cache encodes an
// event once and sends the bytes to every watcher; here every subscriber of the same
// document and variables receives the same change object from the hub, so the result of
// executing it is the same — unless the execution looked at who is asking. Authorization
// of the event itself stays per subscriber (it happens in the source stream, before
// this); relation fields are authorized per caller, through the context.
//
// So the first subscriber to reach an event executes it with its context behind a
// tripwire: if no resolver touched the context (no relation selected, or none that
// applies to this object), the result depends only on the document, the variables and
// the event, and every subscriber of that document and those variables takes it. If the
// context was touched, the result is kept for that subscriber's identity only, and every
// other identity executes the event itself (with its own context, its own RBAC).
import { Kind, createSourceEventStream, execute, getOperationAST, visit, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Context } from './context.ts';

type Result = ExecutionResult | AsyncIterable<ExecutionResult>;

export interface SharedSubscribeOptions {
  /** Recent events whose results are kept for other subscribers. @default 1024 */
  maxEvents?: number;
  /** Called once per execution of an event (tests count them). */
  onExecute?: (args: ExecutionArgs, event: unknown) => void;
}

/** One execution of one event for a share key: its result once known. */
interface Entry {
  value?: ExecutionResult;
  promise?: Promise<ExecutionResult>;
  /** The execution read the context: the result is valid for the executing identity only. */
  personal?: boolean;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
const TYPES = ['ADDED', 'MODIFIED', 'DELETED'] as const;

export function createSharedSubscribe(options: SharedSubscribeOptions = {}): (args: ExecutionArgs) => Promise<Result> {
  const maxEvents = options.maxEvents ?? 1024;
  const onExecute = options.onExecute;
  // By event object (the hub hands every watcher the same one), then by share key.
  const results = new Map<object, Map<string, Entry>>();
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;

  /**
   * The key of everything but the caller: document, operation, and the variables an
   * event's execution reads. The root field's own arguments (namespace, selectors,
   * resourceVersion) choose which events a watcher gets, not what an event executes to:
   * watchers of one kind with different selectors share each event they both receive.
   */
  const documentKey = (args: ExecutionArgs): string => {
    let id = documentIds.get(args.document);
    if (id === undefined) documentIds.set(args.document, (id = nextDocumentId++));
    const read = variablesReadPerEvent(args.document, args.operationName);
    const values = args.variableValues ?? null;
    const kept = read === undefined || values === null ? values : Object.fromEntries(Object.entries(values).filter(([k]) => read.has(k)));
    return JSON.stringify([id, args.operationName ?? null, kept]);
  };
  const identityKey = (args: ExecutionArgs): string => {
    const user = (args.contextValue as Context | undefined)?.access?.user;
    return JSON.stringify([user?.username ?? null, user?.groups ?? null, user?.uid ?? null]);
  };

  /** Executes one event; `watched` runs it with the context behind a tripwire. */
  const executeEvent = (args: ExecutionArgs, event: unknown, entry: Entry, watched: boolean): Entry => {
    onExecute?.(args, event);
    let touched = false;
    const contextValue =
      watched && typeof args.contextValue === 'object' && args.contextValue !== null
        ? new Proxy(
            args.contextValue,
            tripwire(() => (touched = true)),
          )
        : args.contextValue;
    const settle = (value: ExecutionResult): ExecutionResult => {
      entry.value = value;
      entry.personal = !watched || touched;
      entry.promise = undefined;
      return value;
    };
    const result = execute({ ...args, contextValue, rootValue: event });
    if (isPromise(result)) entry.promise = result.then(settle);
    else settle(result);
    return entry;
  };

  return async (args) => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;
    const docKey = documentKey(args);
    return new SharedSubscription(args, source[Symbol.asyncIterator](), results, maxEvents, executeEvent, onExecute, docKey, `${docKey}\0${identityKey(args)}`);
  };
}

type Step = IteratorResult<ExecutionResult> | Promise<IteratorResult<ExecutionResult>>;

/** One subscriber's stream of results: its source's events, each executed or taken from another subscriber. */
class SharedSubscription implements AsyncIterableIterator<ExecutionResult> {
  /** Share keys per event type, computed once per subscription. */
  private readonly sharedKeys: Record<string, string | undefined> = Object.create(null);
  private readonly ownKeys: Record<string, string> = Object.create(null);

  constructor(
    private readonly args: ExecutionArgs,
    private readonly events: AsyncIterator<unknown>,
    private readonly results: Map<object, Map<string, Entry>>,
    private readonly maxEvents: number,
    private readonly executeEvent: (args: ExecutionArgs, event: unknown, entry: Entry, watched: boolean) => Entry,
    private readonly onExecute: SharedSubscribeOptions['onExecute'],
    docKey: string,
    ownKey: string,
  ) {
    for (const t of TYPES) {
      this.sharedKeys[t] = `${t}\0${docKey}`;
      this.ownKeys[t] = `${t}\0${ownKey}`;
    }
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    return this.events.next().then(this.onEvent);
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.events.return?.();
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.events.return?.();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private readonly onEvent = (r: IteratorResult<unknown>): Step => (r.done ? DONE : this.deliver(r.value));

  private deliver(event: unknown): Step {
    const object = (event as { object?: unknown } | null)?.object;
    const type = String((event as { type?: unknown } | null)?.type);
    const sharedKey = this.sharedKeys[type];
    // A BOOKMARK is made per watcher: nobody else will ask for its object.
    if (typeof object !== 'object' || object === null || sharedKey === undefined) {
      this.onExecute?.(this.args, event);
      return Promise.resolve(execute({ ...this.args, rootValue: event })).then(yielded);
    }
    let byKey = this.results.get(object);
    if (!byKey) {
      this.results.set(object, (byKey = new Map()));
      if (this.results.size > this.maxEvents) this.results.delete(this.results.keys().next().value!);
    }
    const ownKey = this.ownKeys[type];
    let shared = byKey.get(sharedKey);
    if (!shared) {
      shared = this.executeEvent(this.args, event, {}, true);
      byKey.set(sharedKey, shared);
      // Until it is known whether the context was read, the result is at least this identity's.
      byKey.set(ownKey, shared);
    }
    return this.take(byKey.get(ownKey) ?? shared, byKey, ownKey, event);
  }

  /** The entry's result once settled, unless it read another identity's context: then this identity's own. */
  private take(entry: Entry, byKey: Map<string, Entry>, ownKey: string, event: unknown): Step {
    if (entry.promise) return entry.promise.then(() => this.take(entry, byKey, ownKey, event));
    if (!entry.personal || byKey.get(ownKey) === entry) return yielded(entry.value!);
    // The shared execution read its caller's context: this identity executes its own.
    let own = byKey.get(ownKey);
    if (!own) byKey.set(ownKey, (own = this.executeEvent(this.args, event, {}, false)));
    return this.take(own, byKey, ownKey, event);
  }
}

const perEventVariables = new WeakMap<DocumentNode, Map<string | null, ReadonlySet<string> | undefined>>();

/**
 * The variables an operation reads anywhere but in its root fields' arguments (those feed
 * the subscription's source stream, not the execution of an event); undefined when that
 * cannot be told (fragments at the root): then every variable counts.
 */
export function variablesReadPerEvent(document: DocumentNode, operationName?: string | null): ReadonlySet<string> | undefined {
  let byOperation = perEventVariables.get(document);
  if (!byOperation) perEventVariables.set(document, (byOperation = new Map()));
  const key = operationName ?? null;
  if (byOperation.has(key)) return byOperation.get(key);
  let read: Set<string> | undefined;
  const operation = getOperationAST(document, operationName);
  const hasFragments = document.definitions.some((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  if (operation && !hasFragments && operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD)) {
    read = new Set();
    const names = read;
    const collect = (node: Parameters<typeof visit>[0]) =>
      visit(node, {
        Variable: (v) => {
          names.add(v.name.value);
        },
      });
    for (const field of operation.selectionSet.selections) {
      if (field.kind !== Kind.FIELD) continue;
      for (const d of field.directives ?? []) collect(d);
      if (field.selectionSet) collect(field.selectionSet);
    }
  }
  byOperation.set(key, read);
  return read;
}

const yielded = (value: ExecutionResult): IteratorYieldResult<ExecutionResult> => ({ value, done: false });

/**
 * Proxy traps that note any use of the target, then behave as the target would. Looking
 * for a key the context does not have is not a use: every subscriber's context is made
 * by the same createContext, with the same keys, so such a read is `undefined` (and
 * `in` is false) for every caller alike. Two libraries do look: Apollo Server's schema
 * instrumentation, which wraps every resolver of the schema, for its hooks under
 * symbols; type-graphql, for a `then` on every parameter it passes to a resolver.
 */
function tripwire<T extends object>(touch: () => void): ProxyHandler<T> {
  const handler: ProxyHandler<T> = {
    get: (target, key, receiver) => {
      if (key in target) touch();
      return Reflect.get(target, key, receiver);
    },
    has: (target, key) => {
      if (key in target) touch();
      return key in target;
    },
  };
  for (const trap of [
    'set',
    'deleteProperty',
    'defineProperty',
    'ownKeys',
    'getOwnPropertyDescriptor',
    'getPrototypeOf',
    'setPrototypeOf',
    'isExtensible',
    'preventExtensions',
    'apply',
    'construct',
  ] as const) {
    (handler as Record<string, unknown>)[trap] = (...a: unknown[]) => {
      touch();
      return (Reflect[trap] as (...x: unknown[]) => unknown)(...a);
    };
  }
  return handler;
}

const isPromise = (v: unknown): v is Promise<ExecutionResult> => typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> => typeof v === 'object' && v !== null && Symbol.asyncIterator in v;
