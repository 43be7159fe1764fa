// kubeql's GraphQL IDE: GraphiQL (with its tabs, history and docs explorer), the token
// pane, and kubeql's example operations. Built by scripts/build-ide.js; served by the
// apiserver at GET /graphql (src/apiserver/ide.ts), with every asset from the same origin.
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './app.css';
import { EXAMPLES } from './examples.ts';
import { createKubeqlFetcher } from './fetcher.ts';
import { readToken, tokenPlugin } from './token.tsx';

// Monaco's workers, bundled next to this file (scripts/build-ide.js): no CDN.
const workerUrl = (name: string) => new URL(`./${name}.worker.js`, document.baseURI).href;
(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    return new Worker(workerUrl(label === 'json' || label === 'graphql' ? label : 'editor'));
  },
};

function App(): ReactElement {
  const [token, setToken] = useState(readToken);
  const client = useMemo(() => createKubeqlFetcher(token), [token]);
  useEffect(() => () => client.dispose(), [client]);
  const plugin = useMemo(() => tokenPlugin(token, setToken), [token]);
  return (
    <GraphiQL
      fetcher={client.fetcher}
      defaultTabs={EXAMPLES}
      plugins={[plugin]}
      visiblePlugin={token ? undefined : plugin}
      defaultEditorToolsVisibility
      isHeadersEditorEnabled={false}
    >
      <GraphiQL.Logo>kubeql</GraphiQL.Logo>
    </GraphiQL>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
