// The layering of docs/architecture.md, checked in CI (`npm run lint:deps`):
//   apimachinery → apis → store → apiserver; the SDK (client) depends on apimachinery and on
//   apis' types only and loads no server code; the components (scheduler, controllers, node)
//   depend on the SDK; only the apiserver imports the store.
const SERVER = '^src/(apiserver|store)/';
const COMPONENTS = '^src/(scheduler|controllers|node)/';
module.exports = {
  forbidden: [
    {
      name: 'apimachinery-is-the-bottom',
      comment: 'src/apimachinery is the generic machinery every layer uses; it uses none of them.',
      severity: 'error',
      from: { path: '^src/apimachinery/' },
      to: { path: '^src/', pathNot: '^src/apimachinery/' },
    },
    {
      name: 'apis-below-the-server',
      comment: 'Kinds, strategies and validation (src/apis) know nothing of the apiserver, the store or any client.',
      severity: 'error',
      from: { path: '^src/apis/' },
      to: { path: '^src/', pathNot: '^src/(apis|apimachinery)/' },
    },
    {
      name: 'store-below-the-apiserver',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: '^src/(store|apis|apimachinery|observability|generated)/' },
    },
    {
      name: 'only-the-apiserver-imports-the-store',
      comment: 'ARCHITECTURE invariant 1: every other component reaches the cluster through the apiserver.',
      severity: 'error',
      from: { path: '^src/', pathNot: SERVER },
      to: { path: '^src/store/' },
    },
    {
      name: 'the-sdk-loads-no-server-code',
      comment: 'kubeql/client: apimachinery at run time, apis for types only (its kind table is generated).',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/', pathNot: '^src/(client|apimachinery|observability)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'the-sdk-loads-no-pino',
      comment: 'The SDK takes a Logger (src/observability/log.ts) and leaves the backend to the program: pino is the server side.',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^node_modules/(pino|pino-pretty)/', reachable: true },
    },
    {
      name: 'components-use-the-sdk',
      comment: 'The scheduler, the controllers and the node fleet are clients of the apiserver, like any program.',
      severity: 'error',
      from: { path: COMPONENTS },
      to: { path: `${SERVER}|^src/cli/` },
    },
    {
      name: 'components-use-apis-types-only',
      comment: 'Besides the pure helpers on API types every component needs (quantities, taints), kinds reach components as types.',
      severity: 'error',
      from: { path: COMPONENTS },
      to: { path: '^src/apis/', pathNot: '^src/apis/(quantity|taints)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'components-are-apart',
      comment: 'No component reaches into another (shared code belongs in the SDK).',
      severity: 'error',
      from: { path: '^src/(scheduler|controllers|node)/' },
      to: { path: '^src/(scheduler|controllers|node)/', pathNot: '^src/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/prisma' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
