// How a component reaches its apiserver: `--server` / KUBEQL_SERVER, else the client
// config that `kubeql up` writes; `--token` / KUBEQL_TOKEN, else — when the cluster's
// signing key is readable, as on the machine that runs `kubeql up` — a token minted for
// the component's own identity (system:kube-controller-manager, …) and renewed before it
// expires, else the client config's token.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Authenticator } from '../apiserver/authn/index.ts';
import type { UserInfo } from '../apiserver/authn/index.ts';

export interface ClientConfig {
  server: string;
  token?: string;
}

/** Where `kubeql up` writes the client config: next to the data directory's store. */
export const clientConfigPath = (dataDir: string): string => path.join(dataDir, 'client-config.json');

export function writeClientConfig(file: string, config: ClientConfig): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}

export function readClientConfig(file: string): ClientConfig | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ClientConfig;
}

/** Lifetime of a component's own tokens; renewed at half of it. */
const COMPONENT_TOKEN_TTL_SECONDS = 3600;

export interface Credentials {
  server: string;
  token: () => string | undefined;
  /** Stops renewing the token. */
  stop(): void;
}

/** Tokens for `user` from the cluster key, renewed before they expire. */
export async function mintedToken(authenticator: Authenticator, user: Pick<UserInfo, 'username' | 'groups'>): Promise<Credentials['token'] & { stop(): void }> {
  let current = await authenticator.mint(user, COMPONENT_TOKEN_TTL_SECONDS);
  // Token lifetimes are wall-clock (a JWT's exp), not cluster time.
  const timer = setInterval(
    () => {
      authenticator.mint(user, COMPONENT_TOKEN_TTL_SECONDS).then(
        (t) => {
          current = t;
        },
        () => undefined,
      );
    },
    (COMPONENT_TOKEN_TTL_SECONDS / 2) * 1000,
  ).unref();
  return Object.assign(() => current, { stop: () => clearInterval(timer) });
}

export async function componentCredentials(options: {
  server?: string;
  token?: string;
  dataDir: string;
  signingKeyFile: string;
  user: Pick<UserInfo, 'username' | 'groups'>;
}): Promise<Credentials> {
  const config = readClientConfig(clientConfigPath(options.dataDir));
  const server = options.server || process.env.KUBEQL_SERVER || config?.server || 'http://127.0.0.1:4000/graphql';
  const fixed = options.token || process.env.KUBEQL_TOKEN;
  if (fixed) return { server, token: () => fixed, stop: () => undefined };
  if (existsSync(options.signingKeyFile)) {
    const token = await mintedToken(await Authenticator.create({ signingKeyFile: options.signingKeyFile }), options.user);
    return { server, token, stop: token.stop };
  }
  if (config?.token) return { server, token: () => config.token, stop: () => undefined };
  throw new Error("no credentials: pass --token (or KUBEQL_TOKEN), or run where the cluster's signing key or client config is (--data-dir)");
}
