// kubeql's GraphQL IDE: GraphiQL (with its tabs, query history and docs explorer), the
// token pane, and kubeql's example operations. Built by scripts/build-ide.js; served by the
// apiserver at GET /graphql (src/apiserver/ide.ts), with every asset from the same origin.
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import 'graphiql/style.css';
import './app.css';
import { EXAMPLES } from './examples.ts';
import { createKubeqlFetcher } from './fetcher.ts';
import { TOKEN_PLUGIN, useToken } from './token.tsx';

// Monaco's workers, bundled next to this file (scripts/build-ide.js): no CDN.
const workerUrl = (name: string) => new URL(`./${name}.worker.js`, document.baseURI).href;
(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    return new Worker(workerUrl(label === 'json' || label === 'graphql' ? label : 'editor'));
  },
};

function App(): ReactElement {
  const token = useToken();
  // A new fetcher per token: GraphiQL loads the schema again with it.
  const client = useMemo(() => createKubeqlFetcher(token), [token]);
  useEffect(() => () => client.dispose(), [client]);
  // Open on the token pane until there is a token (first visit).
  const [firstPlugin] = useState(() => (token ? undefined : TOKEN_PLUGIN));
  return (
    <GraphiQL
      fetcher={client.fetcher}
      defaultTabs={EXAMPLES}
      plugins={[HISTORY_PLUGIN, TOKEN_PLUGIN]}
      visiblePlugin={firstPlugin}
      defaultEditorToolsVisibility
      isHeadersEditorEnabled={false}
    >
      <GraphiQL.Logo>kubeql</GraphiQL.Logo>
    </GraphiQL>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
