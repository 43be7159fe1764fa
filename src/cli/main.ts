#!/usr/bin/env node
// `kubeql` — the command line. `kubeql up` starts a whole cluster in one process (the
// apiserver with its store, and the controller-manager, the scheduler and a fleet of
// simulated nodes as its clients); `kubeql apiserver` the apiserver alone; `kubeql
// controller-manager`, `kubeql scheduler` and `kubeql node` run the components as separate
// programs; `kubeql token create` mints a token with the cluster key.
import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { realClock } from '../apimachinery/clock.ts';
import { startApiServer } from '../apiserver/index.ts';
import { Authenticator } from '../apiserver/authn/index.ts';
import { ControllerManager } from '../controllers/manager.ts';
import { SchedulerServer } from '../scheduler/index.ts';
import { FLEET_USER, NodeFleet } from '../node/index.ts';
import { createLogger } from '../observability/logger.ts';
import { clientConfigPath, componentCredentials, mintedToken, writeClientConfig } from './credentials.ts';

const USAGE = `Usage: kubeql <command> [flags]

Commands:
  up                  Start a cluster in one process: the apiserver (embedded PGlite store
                      unless DATABASE_URL is set), the controller-manager, the scheduler and
                      a fleet of simulated nodes
  apiserver           The apiserver alone (as up --nodes 0 --no-controllers --no-scheduler);
                      the components join it as separate programs
  controller-manager  Run the control loops (ReplicaSet, Deployment, garbage collector, …) as a
                      client of an apiserver; several may run, one leads (Lease
                      kube-system/kube-controller-manager)
  scheduler           Place pods without a node on nodes (bindPod) as a client of an apiserver;
                      several may run, one leads (Lease kube-system/kube-scheduler)
  node                A fleet of simulated nodes (kubelets) as a client of an apiserver:
                      --count N --name-prefix P; killing it is a node crash
  token create        Mint a bearer token signed by the cluster key (like kubectl create token)

Flags for up (apiserver: the same, without --nodes, --no-controllers, --no-scheduler):
  --port N                 HTTP port (env PORT, default 4000)
  --data-dir DIR           kubeql's data directory (env KUBEQL_DATA, default ./.kubeql/data):
                           the PGlite store (DIR/pglite), the signing key (DIR/signing-key.jwk)
                           and the Secret encryption key (DIR/encryption-key)
  --database-url URL       PostgreSQL URL (env DATABASE_URL); the store then lives there
  --signing-key-file FILE  the cluster's signing key (env KUBEQL_SIGNING_KEY_FILE); every
                           apiserver of one cluster must use the same file
  --encryption-key-file FILE  the key Secrets are encrypted at rest with (env
                           KUBEQL_ENCRYPTION_KEY_FILE; 32 bytes, base64); default
                           DIR/encryption-key, created on first start. Every apiserver of one
                           cluster must use the same file
  --host ADDR              address to listen on (default 0.0.0.0)
  --time-scale X           divide every wait of the cluster by X (env KUBEQL_TIME_SCALE,
                           default 1): bookmarks, back-offs; stored values stay Kubernetes'
  --no-controllers         do not run the controller-manager (env KUBEQL_CONTROLLERS=0)
  --no-scheduler           do not run the scheduler (env KUBEQL_SCHEDULER=0)
  --nodes N                simulated nodes run in-process (env KUBEQL_NODES, default 3; 0: none);
                           /readyz answers 200 once they are Ready
  --log-level LEVEL        debug, info, warn, error, silent (env KUBEQL_LOG_LEVEL, default info)

Flags for controller-manager and scheduler:
  --server URL             the apiserver (env KUBEQL_SERVER; default: the client config kubeql
                           up wrote in the data directory, else http://127.0.0.1:4000/graphql)
  --token JWT              its bearer token (env KUBEQL_TOKEN; default: one minted for
                           system:kube-controller-manager / system:kube-scheduler when the
                           signing key is readable)
  --no-leader-elect        act without holding the Lease (only when a single one runs)
  --time-scale X, --log-level LEVEL, --data-dir DIR, --signing-key-file FILE   as for up

Flags for node:
  --count N                nodes in the fleet (default 1)
  --name-prefix P          nodes are P-0 … P-<N-1> (default node)
  --cpu Q, --memory Q, --pods N   each node's capacity (default 4, 16Gi, 110)
  --zones N                zones the nodes are spread over: zone-a, zone-b, … (default 3)
  --server URL, --token JWT  as for controller-manager (default token: one minted for the fleet
                           identity system:kubeql-node-fleet when the signing key is readable)
  --time-scale X, --log-level LEVEL, --data-dir DIR, --signing-key-file FILE   as for up

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

/** `kubeql up`; `apiserverOnly`: `kubeql apiserver` — no controller-manager, scheduler or nodes, whatever the environment says. */
async function up(argv: string[], apiserverOnly = false): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...common,
      port: { type: 'string' },
      'database-url': { type: 'string' },
      host: { type: 'string' },
      'time-scale': { type: 'string' },
      'no-controllers': { type: 'boolean' },
      'no-scheduler': { type: 'boolean' },
      'log-level': { type: 'string' },
      nodes: { type: 'string' },
      'encryption-key-file': { type: 'string' },
    },
  });
  if (values.help) return void console.log(USAGE);
  const url = values['database-url'] || process.env.DATABASE_URL || undefined;
  const { dataDir, signingKeyFile } = paths(values);
  const pgliteDir = path.join(dataDir, 'pglite');
  // A key file named by flag or environment must exist; the data directory's own is made on first start.
  const namedKeyFile = values['encryption-key-file'] || process.env.KUBEQL_ENCRYPTION_KEY_FILE || undefined;
  const encryption = { encryptionKeyFile: path.resolve(namedKeyFile ?? path.join(dataDir, 'encryption-key')), createEncryptionKey: namedKeyFile === undefined };
  const clock = realClock(timeScaleOf(values)); // refuses a scale that is not a positive number
  if (apiserverOnly && (values.nodes !== undefined || values['no-controllers'] || values['no-scheduler'])) {
    throw new Error('kubeql apiserver runs no components: --nodes, --no-controllers and --no-scheduler are flags of kubeql up');
  }
  const nodeCount = apiserverOnly ? 0 : countOf(values.nodes ?? process.env.KUBEQL_NODES ?? '3', '--nodes');
  let fleet: NodeFleet | undefined;
  const server = await startApiServer({
    readinessCheck: nodeCount > 0 ? () => Boolean(fleet?.allReady()) : undefined,
    clock,
    port: Number(values.port ?? process.env.PORT ?? 4000),
    host: values.host,
    store: url ? { url, ...encryption } : { dataDir: pgliteDir, ...encryption },
    auth: { signingKeyFile },
    logLevel: values['log-level'],
  });
  // The components are clients of the apiserver like any other, under their own identities.
  const authenticator = server.authenticator!;
  const configFile = clientConfigPath(dataDir);
  writeClientConfig(configFile, { server: server.url, token: await authenticator.mint({ username: 'admin', groups: ['system:masters'] }, 48 * 3600) });
  const controllers = !apiserverOnly && !values['no-controllers'] && process.env.KUBEQL_CONTROLLERS !== '0';
  let manager: ControllerManager | undefined;
  let managerToken: Awaited<ReturnType<typeof mintedToken>> | undefined;
  if (controllers) {
    managerToken = await mintedToken(authenticator, { username: 'system:kube-controller-manager', groups: [] });
    manager = new ControllerManager({
      server: server.url,
      token: managerToken,
      clock,
      log: createLogger({ level: values['log-level'], base: { component: 'controller-manager' } }),
    });
    manager.start();
  }
  const scheduling = !apiserverOnly && !values['no-scheduler'] && process.env.KUBEQL_SCHEDULER !== '0';
  let scheduler: SchedulerServer | undefined;
  let schedulerToken: Awaited<ReturnType<typeof mintedToken>> | undefined;
  if (scheduling) {
    schedulerToken = await mintedToken(authenticator, { username: 'system:kube-scheduler', groups: [] });
    scheduler = new SchedulerServer({
      server: server.url,
      token: schedulerToken,
      clock,
      log: createLogger({ level: values['log-level'], base: { component: 'scheduler' } }),
    });
    scheduler.start();
  }
  let fleetToken: Awaited<ReturnType<typeof mintedToken>> | undefined;
  if (nodeCount > 0) {
    fleetToken = await mintedToken(authenticator, { username: FLEET_USER, groups: [] });
    fleet = new NodeFleet({
      server: server.url,
      token: fleetToken,
      clock,
      count: nodeCount,
      namePrefix: 'node',
      log: createLogger({ level: values['log-level'], base: { component: 'node' } }),
    });
    fleet.start();
    await fleet.waitForReady(); // the URL line is the ready line: /readyz answers 200 from here on
  }
  console.log(`kubeql apiserver listening on ${server.url.replace('127.0.0.1', 'localhost')} (store: ${url ? 'postgresql' : `pglite ${pgliteDir}`})`);
  console.log(`client config (server and a cluster-admin token, 48 h): ${configFile}`);
  console.log(`controller-manager: ${controllers ? 'running' : 'off'}; scheduler: ${scheduling ? 'running' : 'off'}; nodes: ${nodeCount || 'none'}`);
  console.log(
    `a cluster-admin token: npx kubeql token create --user admin --group system:masters${values['data-dir'] ? ` --data-dir ${values['data-dir']}` : ''}`,
  );
  runUntilSignalled(async () => {
    await Promise.all([manager?.stop(), scheduler?.stop(), fleet?.stop()]); // each releases its Lease first, so a standby elsewhere takes over at once
    fleetToken?.stop();
    managerToken?.stop();
    schedulerToken?.stop();
    await server.stop();
  });
}

/**
 * Holds the process open until SIGINT or SIGTERM, then runs `stop` and exits. The cluster
 * clock's timers do not hold a process open, and a standby component (or a fleet waiting
 * for its apiserver) has nothing else that does — hence the idle interval.
 */
function runUntilSignalled(stop: () => Promise<void>): void {
  const keepAlive = setInterval(() => undefined, 3_600_000);
  const shutdown = async (signal: string) => {
    console.log(`${signal}: shutting down`);
    await stop();
    clearInterval(keepAlive);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

function countOf(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a whole number ≥ 0, not "${value}"`);
  return n;
}

/** `kubeql node`: a fleet of simulated nodes as a client of an apiserver, under the fleet identity. Killing it is a node crash. */
async function nodes(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...common,
      server: { type: 'string' },
      token: { type: 'string' },
      'time-scale': { type: 'string' },
      'log-level': { type: 'string' },
      count: { type: 'string' },
      'name-prefix': { type: 'string' },
      cpu: { type: 'string' },
      memory: { type: 'string' },
      pods: { type: 'string' },
      zones: { type: 'string' },
    },
  });
  if (values.help) return void console.log(USAGE);
  const { dataDir, signingKeyFile } = paths(values);
  const clock = realClock(timeScaleOf(values));
  const credentials = await componentCredentials({
    server: values.server,
    token: values.token,
    dataDir,
    signingKeyFile,
    user: { username: FLEET_USER, groups: [] },
  });
  const log = createLogger({ level: values['log-level'], base: { component: 'node' } });
  const fleet = new NodeFleet({
    server: credentials.server,
    token: credentials.token,
    clock,
    log,
    count: countOf(values.count ?? '1', '--count'),
    namePrefix: values['name-prefix'] ?? 'node',
    cpu: values.cpu,
    memory: values.memory,
    pods: values.pods === undefined ? undefined : countOf(values.pods, '--pods'),
    zones: values.zones === undefined ? undefined : countOf(values.zones, '--zones'),
  });
  fleet.start();
  console.log(`kubeql node: ${fleet.nodeNames.length} simulated nodes (${fleet.nodeNames[0] ?? '-'} …) against ${credentials.server}`);
  void fleet.waitForReady().then(() => console.log(`kubeql node: ${fleet.nodeNames.length} nodes registered and Ready`));
  runUntilSignalled(async () => {
    await fleet.stop();
    credentials.stop();
  });
}

function timeScaleOf(values: { 'time-scale'?: string }): number {
  return Number(values['time-scale'] ?? process.env.KUBEQL_TIME_SCALE ?? 1);
}

/** `kubeql controller-manager` / `kubeql scheduler`: a component as a client of an apiserver, under its own identity. */
async function component(kind: 'controller-manager' | 'scheduler', argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...common,
      server: { type: 'string' },
      token: { type: 'string' },
      'time-scale': { type: 'string' },
      'log-level': { type: 'string' },
      'no-leader-elect': { type: 'boolean' },
    },
  });
  if (values.help) return void console.log(USAGE);
  const { dataDir, signingKeyFile } = paths(values);
  const clock = realClock(timeScaleOf(values));
  const username = kind === 'scheduler' ? 'system:kube-scheduler' : 'system:kube-controller-manager';
  const credentials = await componentCredentials({ server: values.server, token: values.token, dataDir, signingKeyFile, user: { username, groups: [] } });
  const log = createLogger({ level: values['log-level'], base: { component: kind } });
  const options = { server: credentials.server, token: credentials.token, clock, leaderElection: !values['no-leader-elect'], log };
  const running = kind === 'scheduler' ? new SchedulerServer(options) : new ControllerManager(options);
  running.start();
  console.log(
    `kubeql ${kind} ${running.identity} started against ${credentials.server}${values['no-leader-elect'] ? ' (no leader election)' : ` (campaigning for kube-system/kube-${kind})`}`,
  );
  runUntilSignalled(async () => {
    await running.stop();
    credentials.stop();
  });
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
    case 'apiserver':
      return up(rest, true);
    case 'controller-manager':
    case 'scheduler':
      return component(command, rest);
    case 'node':
      return nodes(rest);
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
