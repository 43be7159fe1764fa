// The SDK's entry point: `new Client({ server, token })`, then `client.resource('Pod')`
// for any kind, or `client.request(BindPodDocument, {...})` for any generated operation.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ResourceClient, type Kind } from './resources.ts';
import { Transport, type Sink, type TransportOptions } from './transport.ts';

export class Client {
  readonly transport: Transport;
  private readonly resources = new Map<Kind, ResourceClient<Kind>>();

  constructor(options: TransportOptions) {
    this.transport = new Transport(options);
  }

  /** The typed client of one kind (one per kind per Client). */
  resource<K extends Kind>(kind: K): ResourceClient<K> {
    let r = this.resources.get(kind);
    if (!r) this.resources.set(kind, (r = new ResourceClient(this.transport, kind)));
    return r as unknown as ResourceClient<K>;
  }

  request<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables?: V): Promise<R> {
    return this.transport.request(document, variables);
  }

  subscribe<R, V extends Record<string, unknown>>(document: TypedDocumentNode<R, V>, variables: V, sink: Sink<R>): () => void {
    return this.transport.subscribe(document, variables, sink);
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
