// Writes the SDL of the code-first schema to schema/schema.graphql (API.md: the
// emitted SDL lives there and CI fails when it is out of date).
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printApiSchema } from '../src/apiserver/graphql/print.ts';

const target = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
writeFileSync(target, await printApiSchema());
console.log(`wrote ${target}`);
