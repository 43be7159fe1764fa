#!/usr/bin/env node
// `kubeql` — the command line. `kubeql up` starts the control plane (for now: the
// apiserver with its store); `kubeql token create` mints a token with the cluster key.
import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { realClock } from '../apimachinery/clock.ts';
import { startApiServer } from '../apiserver/index.ts';
import { Authenticator } from '../apiserver/authn/index.ts';

const USAGE = `Usage: kubeql <command> [flags]

Commands:
  up                Start the apiserver (embedded PGlite store unless DATABASE_URL is set)
  token create      Mint a bearer token signed by the cluster key (like kubectl create token)

Flags for up:
  --port N                 HTTP port (env PORT, default 4000)
  --data-dir DIR           kubeql's data directory (env KUBEQL_DATA, default ./.kubeql/data):
                           the PGlite store (DIR/pglite) and the signing key (DIR/signing-key.jwk)
  --database-url URL       PostgreSQL URL (env DATABASE_URL); the store then lives there
  --signing-key-file FILE  the cluster's signing key (env KUBEQL_SIGNING_KEY_FILE); every
                           apiserver of one cluster must use the same file
  --host ADDR              address to listen on (default 0.0.0.0)
  --time-scale X           divide every wait of the cluster by X (env KUBEQL_TIME_SCALE,
                           default 1): bookmarks, back-offs; stored values stay Kubernetes'

Flags for token create:
  --user NAME        the username (required)
  --group G          a group; repeat for more (system:masters is cluster-admin)
  --ttl DURATION     lifetime: 3600, 90s, 30m, 1h, 2d (default 1h, at most 48h)
  --data-dir, --signing-key-file   as for up
`;

const common = {
  help: { type: 'boolean', short: 'h' },
  'data-dir': { type: 'string' },
  'signing-key-file': { type: 'string' },
} as const;

function paths(values: { 'data-dir'?: string; 'signing-key-file'?: string }) {
  const dataDir = path.resolve(values['data-dir'] ?? process.env.KUBEQL_DATA ?? '.kubeql/data');
  const signingKeyFile = path.resolve(values['signing-key-file'] ?? process.env.KUBEQL_SIGNING_KEY_FILE ?? path.join(dataDir, 'signing-key.jwk'));
  return { dataDir, signingKeyFile };
}

async function up(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { ...common, port: { type: 'string' }, 'database-url': { type: 'string' }, host: { type: 'string' }, 'time-scale': { type: 'string' } },
  });
  if (values.help) return void console.log(USAGE);
  const url = values['database-url'] || process.env.DATABASE_URL || undefined;
  const { dataDir, signingKeyFile } = paths(values);
  const pgliteDir = path.join(dataDir, 'pglite');
  const timeScale = Number(values['time-scale'] ?? process.env.KUBEQL_TIME_SCALE ?? 1);
  const server = await startApiServer({
    clock: realClock(timeScale), // refuses a scale that is not a positive number
    port: Number(values.port ?? process.env.PORT ?? 4000),
    host: values.host,
    store: url ? { url } : { dataDir: pgliteDir },
    auth: { signingKeyFile },
  });
  console.log(`kubeql apiserver listening on ${server.url.replace('127.0.0.1', 'localhost')} (store: ${url ? 'postgresql' : `pglite ${pgliteDir}`})`);
  console.log(`a cluster-admin token: npx kubeql token create --user admin --group system:masters${values['data-dir'] ? ` --data-dir ${values['data-dir']}` : ''}`);
  const shutdown = async (signal: string) => {
    console.log(`${signal}: shutting down`);
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/** `3600`, `90s`, `30m`, `1h`, `2d` → seconds. */
function parseDuration(s: string): number {
  const m = /^(\d+)(s|m|h|d)?$/.exec(s.trim());
  if (!m) throw new Error(`invalid duration "${s}": use e.g. 3600, 90s, 30m, 1h`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
}

async function token(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'create') throw new Error(`unknown command "token ${sub ?? ''}"; did you mean "token create"?`);
  const { values } = parseArgs({
    args: rest,
    options: { ...common, user: { type: 'string' }, group: { type: 'string', multiple: true }, ttl: { type: 'string' } },
  });
  if (values.help) return void console.log(USAGE);
  if (!values.user) throw new Error('--user is required');
  const { signingKeyFile } = paths(values);
  const authenticator = await Authenticator.create({ signingKeyFile });
  console.log(await authenticator.mint({ username: values.user, groups: values.group ?? [] }, parseDuration(values.ttl ?? '1h')));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      return up(rest);
    case 'token':
      return token(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      console.error(`kubeql: unknown command "${command}"\n\n${USAGE}`);
      process.exit(2);
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(`kubeql: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
