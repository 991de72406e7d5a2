// Lint: typescript-eslint's recommended rules plus the module boundaries of STYLE.md §7.2
// (one no-restricted-imports override per folder, as restic's depguard).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbid = (...groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map((group) => ({ group: [group], message: 'module boundary (STYLE.md §7.2)' })) }],
});

// ESLint replaces (not merges) a rule's options per matching block, so every layer repeats the
// rule that only exec/ may import execa.
const layer = (files, ...groups) => ({ files, rules: forbid(...groups, ...(files.some((f) => f.startsWith('src/exec')) ? [] : ['execa'])) });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', performance: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', WebAssembly: 'readonly', URL: 'readonly', AbortController: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Only exec/ may start processes, only cli/ may draw on the terminal, only devices/ may ask df.
  { files: ['src/**/*.ts'], ignores: ['src/exec/**'], rules: forbid('execa') },
  layer(['src/cli/**/*.ts'], '**/io/*', '**/exec/*', '**/erase/*', '**/scan/*', '**/guards/*', 'node-disk-info'),
  layer(['src/core/**/*.ts'], '**/cli/*', 'commander', 'ora', 'node-disk-info'),
  layer(['src/devices/**/*.ts'], '**/io/*', '**/erase/*', '**/core/*', '**/cli/*', '**/guards/*', 'commander', 'ora'),
  layer(['src/guards/**/*.ts'], '**/exec/*', '**/io/*', '**/erase/*', '**/core/*', '**/cli/*', 'commander', 'ora', 'node-disk-info'),
  layer(['src/io/**/*.ts'], '**/exec/*', '**/devices/*', '**/core/*', '**/cli/*', '**/guards/*', 'commander', 'ora', 'node-disk-info'),
  layer(['src/methods/**/*.ts'], '**/io/*', '**/exec/*', '**/devices/*', '**/core/*', '**/cli/*', '**/guards/*', 'node:fs', 'node:fs/*', 'commander', 'ora', 'node-disk-info'),
  layer(['src/state/**/*.ts'], '**/io/*', '**/exec/*', '**/devices/*', '**/core/*', '**/cli/*', 'commander', 'ora', 'node-disk-info'),
  layer(['src/exec/**/*.ts'], '**/io/*', '**/devices/*', '**/core/*', '**/cli/*', '**/guards/*', '**/methods/*', 'commander', 'ora', 'node-disk-info'),
  layer(['src/errors/**/*.ts'], '../*', 'commander', 'ora', 'node-disk-info'),
  layer(['src/types.ts'], './*', 'commander', 'ora', 'node-disk-info'),
);
