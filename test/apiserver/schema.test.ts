// schema/schema.graphql is the contract's emitted SDL: it must match the code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { printApiSchema } from '../../src/apiserver/graphql/print.ts';

test('schema/schema.graphql is up to date (run `npm run schema:emit`)', async () => {
  const committed = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
  assert.equal(committed, await printApiSchema());
});

test('the schema has the operations of API.md for every kind', async () => {
  const sdl = await printApiSchema();
  for (const op of [
    'pod(',
    'pods(',
    'createPod(',
    'replacePod(',
    'patchPod(',
    'deletePod(',
    'updatePodStatus(',
    'watchPods(',
    'bindPod(',
    'node(',
    'nodes(',
    'createNode(',
    'watchNodes(',
    'namespaces(',
    'events(',
    'watchEvents(',
    'leases(',
    'renewLease(',
    'deployments(',
    'scaleDeployment(',
    'rollbackDeployment(',
    'pauseDeployment(',
    'resumeDeployment(',
    'replicaSets(',
    'services(',
    'endpointSlices(',
    'apply(',
    'applyAll(',
    'clusterRoles(',
    'roleBindings(',
  ]) {
    assert.ok(sdl.includes(`  ${op}`), `schema has ${op}`);
  }
  assert.match(sdl, /union Resource =/);
  assert.match(sdl, /manifest: JSONObject!/);
});
