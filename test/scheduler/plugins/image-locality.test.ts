import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageLocality, normalizedImageName } from '../../../src/scheduler/plugins/image-locality.ts';
import { cluster, mkNode, mkPod, runScore } from './fixtures.ts';

const MB = 1024 * 1024;
test('ImageLocality: image names without a tag are :latest', () => {
  assert.equal(normalizedImageName('nginx'), 'nginx:latest');
  assert.equal(normalizedImageName('nginx:1.25'), 'nginx:1.25');
  assert.equal(normalizedImageName('localhost:5000/app'), 'localhost:5000/app:latest');
});

test('ImageLocality score: size × spread between 23 MB and 1000 MB per container (Kubernetes examples)', () => {
  // Kubernetes' image_locality_test: two containers, 40 MB (one of two nodes) and 300 MB (one node), two nodes.
  const nodes = [
    mkNode('a', {
      images: [
        { names: ['gcr.io/40:latest'], sizeBytes: 40 * MB },
        { names: ['gcr.io/300:latest'], sizeBytes: 300 * MB },
      ],
    }),
    mkNode('b', { images: [{ names: ['gcr.io/250:latest'], sizeBytes: 250 * MB }] }),
  ];
  const pod = mkPod('p', {
    containers: [
      { name: 'a', image: 'gcr.io/40' },
      { name: 'b', image: 'gcr.io/300' },
    ],
  });
  // a: (40 + 300)/2 MB = 170 MB → 100 × (170 − 23) / (2000 − 23) = 7; b: nothing → 0
  assert.deepEqual(runScore(imageLocality, pod, cluster(nodes)), { a: 7, b: 0 });
  const one = mkPod('q', { containers: [{ name: 'a', image: 'gcr.io/250:latest' }] });
  // b: 250 MB × 1/2 = 125 MB → 100 × (125 − 23) / (1000 − 23) = 10
  assert.deepEqual(runScore(imageLocality, one, cluster(nodes)), { a: 0, b: 10 });
});
