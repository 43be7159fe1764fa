#!/usr/bin/env node
// Bundles the GraphQL IDE (ide/: GraphiQL, React, Monaco and its workers) with esbuild into
// ide/dist, which the apiserver serves at /graphql and /ide/. Runs at install (postinstall)
// and build time; everything the page loads comes from here, so it works offline.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}ide/dist`;
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  target: 'es2022',
  logLevel: 'warning',
  absWorkingDir: root,
  define: { 'process.env.NODE_ENV': '"production"' },
  // Fonts and images inline: one origin, nothing fetched from elsewhere.
  loader: { '.ttf': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
};

await Promise.all([
  build({ ...common, entryPoints: { app: 'ide/app.tsx' }, outdir, format: 'iife', jsx: 'automatic' }),
  // Monaco's workers, each a classic script (the page creates them with new Worker(url)).
  build({
    ...common,
    entryPoints: {
      'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
      'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
      'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
    },
    outdir,
    format: 'iife',
  }),
]);
copyFileSync(`${root}ide/index.html`, `${outdir}/index.html`);
console.log(`GraphQL IDE built into ${outdir}`);
