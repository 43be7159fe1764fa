// Where the IDE keeps the caller's bearer token: the browser's local storage, and a
// plugin pane to paste one (kubeql mints tokens with the cluster key, on the CLI).
import { useState, useSyncExternalStore, type ReactElement } from 'react';
import type { GraphiQLPlugin } from '@graphiql/react';

const KEY = 'kubeql.token';
const listeners = new Set<() => void>();

const readToken = (): string => localStorage.getItem(KEY) ?? '';

function saveToken(value: string): void {
  // A pasted "Bearer …" or a trailing newline from the terminal still works.
  const clean = value.trim().replace(/^bearer\s+/i, '');
  if (clean) localStorage.setItem(KEY, clean);
  else localStorage.removeItem(KEY);
  for (const l of listeners) l();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** The current token; components re-render when it is saved. */
export const useToken = (): string => useSyncExternalStore(subscribe, readToken);

/** One plugin object for the page's life: GraphiQL keeps the visible plugin by identity. */
export const TOKEN_PLUGIN: GraphiQLPlugin = { title: 'Token', icon: KeyIcon, content: TokenPane };

function TokenPane(): ReactElement {
  const token = useToken();
  const [draft, setDraft] = useState(token);
  const save = saveToken;
  return (
    <div className="kubeql-token">
      <div className="graphiql-doc-explorer-title">Token</div>
      <p>
        Every request carries <code>Authorization: Bearer &lt;token&gt;</code> (on WebSocket, in
        <code> connection_init</code>); the schema loads once a token is set. Mint one on the machine running kubeql:
      </p>
      <pre>npx kubeql token create --user admin --group system:masters</pre>
      <textarea id="kubeql-token" rows={6} spellCheck={false} placeholder="paste the token here" value={draft} onChange={(e) => setDraft(e.target.value)} />
      <div className="kubeql-token-actions">
        <button type="button" className="graphiql-button" id="kubeql-token-save" onClick={() => save(draft)}>
          Save
        </button>
        <button
          type="button"
          className="graphiql-button"
          onClick={() => {
            setDraft('');
            save('');
          }}
        >
          Forget
        </button>
        <span id="kubeql-token-state">{token ? 'token set (kept in this browser)' : 'no token'}</span>
      </div>
    </div>
  );
}

function KeyIcon(): ReactElement {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="1.5" aria-label="Token">
      <circle cx="8" cy="15" r="4" />
      <path d="M11 12l9-9M16 7l3 3M14 9l2 2" />
    </svg>
  );
}
