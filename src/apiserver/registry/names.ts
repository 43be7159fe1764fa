import { randomInt } from 'node:crypto';

// Kubernetes' generateName alphabet: no vowels (no words), no look-alikes (0/o, 1/l).
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName: web-` → `web-x7k2q`, as kube-apiserver's SimpleNameGenerator does. */
export function generateName(prefix: string): string {
  const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return base + suffix;
}
