// Watch fan-out without N executions per event. Kube-apiserver's watch cache encodes an
// event once and sends the bytes to every watcher; here every subscriber of the same
// document, variables and identity receives the same change object from the hub, so the
// result of executing it is the same: the first subscriber executes it, the others take
// its result. Authorization of the event itself stays per subscriber (it happens in the
// source stream, before this); relation fields are authorized for the identity, which is
// part of the key.
import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Context } from './context.ts';

type Result = ExecutionResult | AsyncIterable<ExecutionResult>;

export interface SharedSubscribeOptions {
  /** Recent events whose results are kept for other subscribers. @default 1024 */
  maxEvents?: number;
}

export function createSharedSubscribe(options: SharedSubscribeOptions = {}): (args: ExecutionArgs) => Promise<Result> {
  const maxEvents = options.maxEvents ?? 1024;
  // By event object (the hub hands every watcher the same one), then by share key.
  const results = new Map<object, Map<string, Promise<ExecutionResult>>>();
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;

  const shareKey = (args: ExecutionArgs): string => {
    let id = documentIds.get(args.document);
    if (id === undefined) documentIds.set(args.document, (id = nextDocumentId++));
    const user = (args.contextValue as Context | undefined)?.access?.user;
    return JSON.stringify([id, args.operationName ?? null, args.variableValues ?? null, user?.username ?? null, user?.groups ?? null, user?.uid ?? null]);
  };

  const run = (args: ExecutionArgs, key: string, event: unknown): Promise<ExecutionResult> => {
    const object = (event as { object?: unknown } | null)?.object;
    const type = (event as { type?: unknown } | null)?.type;
    if (typeof object !== 'object' || object === null) return Promise.resolve(execute({ ...args, rootValue: event }));
    let byKey = results.get(object);
    if (!byKey) {
      results.set(object, (byKey = new Map()));
      if (results.size > maxEvents) results.delete(results.keys().next().value!);
    }
    const eventKey = `${String(type)}\0${key}`;
    let result = byKey.get(eventKey);
    if (!result) byKey.set(eventKey, (result = Promise.resolve(execute({ ...args, rootValue: event }))));
    return result;
  };

  return async (args) => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source;
    const key = shareKey(args);
    const events = source[Symbol.asyncIterator]();
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        const r = await events.next();
        return r.done ? { value: undefined, done: true } : { value: await run(args, key, r.value), done: false };
      },
      async return() {
        await events.return?.();
        return { value: undefined, done: true };
      },
      async throw(error?: unknown) {
        await events.return?.();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return iterator;
  };
}

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> =>
  typeof v === 'object' && v !== null && Symbol.asyncIterator in v;
