// Lint: typescript-eslint's recommended rules plus the module boundaries of STYLE.md §7.2
// (one no-restricted-imports override per folder, as restic's depguard).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// What each folder of src/ must not import (a module by folder name, or a package). Only exec/
// imports execa, only cli/ imports commander and ora, only devices/ imports node-disk-info, only
// ledger/ imports pg.
const BOUNDARIES = {
  cli: ['io', 'exec', 'erase', 'scan', 'guards', 'ledger', 'node-disk-info'],
  core: ['cli', 'commander', 'ora', 'node-disk-info'],
  devices: ['io', 'erase', 'core', 'cli', 'guards', 'commander', 'ora'],
  guards: ['exec', 'io', 'erase', 'core', 'cli', 'commander', 'ora', 'node-disk-info'],
  io: ['exec', 'devices', 'core', 'cli', 'guards', 'commander', 'ora', 'node-disk-info'],
  methods: [
    'io',
    'exec',
    'devices',
    'core',
    'cli',
    'guards',
    'node:fs',
    'node:fs/*',
    'commander',
    'ora',
    'node-disk-info',
  ],
  state: ['io', 'exec', 'devices', 'core', 'cli', 'commander', 'ora', 'node-disk-info'],
  exec: ['io', 'devices', 'core', 'cli', 'guards', 'methods', 'commander', 'ora', 'node-disk-info'],
  errors: ['../*', 'commander', 'ora', 'node-disk-info'],
  cert: ['io', 'exec', 'devices', 'core', 'cli', 'commander', 'ora', 'node-disk-info'],
  audit: ['io', 'exec', 'devices', 'core', 'cli', 'cert', 'commander', 'ora', 'node-disk-info'],
  erase: ['io', 'devices', 'core', 'cli', 'guards', 'scan', 'commander', 'ora', 'node-disk-info'],
  ledger: ['io', 'exec', 'devices', 'core', 'cli', 'guards', 'erase', 'scan', 'commander', 'ora', 'node-disk-info'],
};
// Only ledger/ imports pg (the PostgreSQL client): every other folder's block forbids it.
const PG_IMPORTERS = new Set(['ledger']);
const FOLDERS = new Set(Object.keys(BOUNDARIES).concat(['erase', 'scan', 'cert', 'ledger']));

// A folder name becomes a path pattern; a package name stays as it is.
const patternOf = (name) => (FOLDERS.has(name) ? `**/${name}/*` : name);

// ESLint replaces (not merges) a rule's options per matching block, so every folder's block
// repeats the rule that only exec/ may import execa.
const boundary = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((name) => ({ group: [patternOf(name)], message: 'module boundary (STYLE.md §7.2)' })) },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench-results/**', 'build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'performance',
          'setTimeout',
          'clearTimeout',
          'Buffer',
          'WebAssembly',
          'URL',
          'AbortController',
        ].map((name) => [name, 'readonly']),
      ),
    },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] },
  },
  boundary(['src/**/*.ts'], ['execa', 'pg']),
  ...Object.entries(BOUNDARIES).map(([folder, forbidden]) =>
    boundary(
      [`src/${folder}/**/*.ts`],
      [...forbidden, ...(folder === 'exec' ? [] : ['execa']), ...(PG_IMPORTERS.has(folder) ? [] : ['pg'])],
    ),
  ),
  boundary(['src/types.ts'], ['./*', 'commander', 'ora', 'execa', 'pg', 'node-disk-info']),
);
