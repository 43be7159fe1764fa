import { defineConfig } from 'prisma/config';

// Used by the prisma CLI (generate; `migrate deploy` where Prisma's native engines
// exist). kubeql itself applies prisma/migrations at start-up with the WebAssembly
// schema engine (src/store/migrate.ts), so no engine download is needed.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/kubeql' },
});
