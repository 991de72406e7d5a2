#!/usr/bin/env node
// Regenerates the README sections that come from data tables (methods, exit codes, guards).
// Run after `npm run build`: node scripts/gen-tables-doc.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { applyTablesDoc, renderTablesDoc } from '../dist/cli/tables-doc.js';
import { GUARDS } from '../dist/guards/index.js';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = applyTablesDoc(before, renderTablesDoc(GUARDS));
if (after !== before) writeFileSync(path, after);
console.log(after === before ? 'README tables up to date' : 'README tables regenerated');
