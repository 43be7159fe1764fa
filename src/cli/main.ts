#!/usr/bin/env node
// `kubeql` — the command line. `kubeql up` starts the control plane (for now: the
// apiserver with its store); more commands arrive with the CLI issue.
import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startApiServer } from '../apiserver/index.ts';

const USAGE = `Usage: kubeql <command> [flags]

Commands:
  up         Start the apiserver (embedded PGlite store unless DATABASE_URL is set)

Flags for up:
  --port N          HTTP port (env PORT, default 4000)
  --data-dir DIR    PGlite data directory (env KUBEQL_DATA, default ./.kubeql/data)
  --database-url U  PostgreSQL URL (env DATABASE_URL); overrides --data-dir
`;

async function up(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      host: { type: 'string' },
    },
  });
  const url = values['database-url'] ?? process.env.DATABASE_URL;
  const dataDir = path.resolve(values['data-dir'] ?? process.env.KUBEQL_DATA ?? '.kubeql/data');
  const server = await startApiServer({
    port: Number(values.port ?? process.env.PORT ?? 4000),
    host: values.host,
    store: url ? { url } : { dataDir },
  });
  console.log(`kubeql apiserver listening on ${server.url.replace('127.0.0.1', 'localhost')} (store: ${url ? 'postgresql' : `pglite ${dataDir}`})`);
  const shutdown = async (signal: string) => {
    console.log(`${signal}: shutting down`);
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      return up(rest);
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
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
