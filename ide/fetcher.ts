// The IDE's fetcher: queries and mutations as POST /graphql, subscriptions over graphql-ws
// on the same path, both with the current token, and nothing but the page's own origin.
import type { Fetcher } from '@graphiql/toolkit';
import { getOperationAST, parse, type ExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';

export interface KubeqlFetcher {
  fetcher: Fetcher;
  dispose(): void;
}

export function createKubeqlFetcher(token: string): KubeqlFetcher {
  const url = new URL('/graphql', location.href);
  const wsUrl = new URL(url);
  wsUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  let ws: Client | undefined;
  const socket = () =>
    (ws ??= createClient({ url: wsUrl.href, connectionParams: token ? { authorization: `Bearer ${token}` } : {}, lazy: true, retryAttempts: 3 }));

  const fetcher: Fetcher = (input, opts) => {
    // Right after a tab switch GraphiQL may still name the previous tab's operation: with
    // one operation in the document, that one is meant.
    const document = safeParse(input.query) ?? opts?.documentAST;
    let operation = document && getOperationAST(document, input.operationName ?? undefined);
    if (document && !operation) operation = getOperationAST(document);
    const params = { ...input, operationName: operation?.name?.value ?? input.operationName };
    if (operation?.operation === 'subscription') {
      // graphql-ws yields formatted results, which is what GraphiQL shows.
      return socket().iterate({
        query: params.query,
        operationName: params.operationName ?? undefined,
        variables: params.variables ?? undefined,
      }) as AsyncIterable<ExecutionResult>;
    }
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts?.headers },
      body: JSON.stringify(params),
    }).then((res) => res.json());
  };
  return { fetcher, dispose: () => void ws?.dispose() };
}

function safeParse(query: string) {
  try {
    return parse(query);
  } catch {
    return undefined;
  }
}
