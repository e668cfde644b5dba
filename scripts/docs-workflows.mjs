#!/usr/bin/env node
// `npm run docs:workflows`: writes docs/workflows.md from the workflow tables (shared/src/workflows, built into
// shared/dist). shared/test/workflows.test.ts fails when the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { WORKFLOWS, workflowsMarkdown } = require(join(root, 'shared/dist/workflows/index.js'));
const out = join(root, 'docs/workflows.md');
writeFileSync(out, workflowsMarkdown(WORKFLOWS));
process.stdout.write(`wrote ${out}\n`);
