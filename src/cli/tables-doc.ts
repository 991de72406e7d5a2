// Renders the data tables (methods, exit codes, guards) as Markdown for the README, so the docs
// are generated from the same tables the code runs on (a unit test fails when they drift).
import { ERASE_BACKENDS, PROGRESS_EVENTS } from '../core/index.js';
import { EXIT_CODES } from '../errors/index.js';
import { describePassSpecs, WIPE_METHODS } from '../methods/index.js';

export interface DocTable {
  name: string;
  markdown: string;
}

const row = (cells: (string | number)[]) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;

// The README sections generated from tables, keyed by marker name.
export function renderTablesDoc(guards: readonly { id: string; describe: string }[]): DocTable[] {
  return [
    {
      name: 'methods',
      markdown: [
        row(['id', 'passes', 'sequence', 'verify', 'source']),
        row(['---', '---', '---', '---', '---']),
        ...WIPE_METHODS.map((m) =>
          row([`\`${m.id}\``, m.passes.length, describePassSpecs(m.passes), m.verify, m.source]),
        ),
      ].join('\n'),
    },
    {
      name: 'exit-codes',
      markdown: [
        row(['code', 'meaning', 'device written?']),
        row(['---', '---', '---']),
        ...EXIT_CODES.map((e) => row([e.code, e.meaning, e.written])),
      ].join('\n'),
    },
    {
      name: 'erase-backends',
      markdown: [
        row(['backend', 'what it does', 'follows', '`auto` rank']),
        row(['---', '---', '---', '---']),
        ...ERASE_BACKENDS.map((b) => row([`\`${b.id}\``, b.label, b.source, b.strength])),
      ].join('\n'),
    },
    {
      name: 'progress-events',
      markdown: [
        row(['type', 'when', 'fields (besides ts, type, target)']),
        row(['---', '---', '---']),
        ...Object.entries(PROGRESS_EVENTS).map(([type, doc]) => row([`\`${type}\``, doc.when, doc.fields])),
      ].join('\n'),
    },
    {
      name: 'guards',
      markdown: [
        row(['guard', 'passes only when']),
        row(['---', '---']),
        ...guards.map((g) => row([`\`${g.id}\``, g.describe])),
      ].join('\n'),
    },
  ];
}

// Replaces each <!-- BEGIN name --> ... <!-- END name --> section of text with its table.
export function applyTablesDoc(text: string, tables: DocTable[]): string {
  let out = text;
  for (const table of tables) {
    const pattern = new RegExp(`(<!-- BEGIN ${table.name} -->\\n)[\\s\\S]*?(<!-- END ${table.name} -->)`);
    if (!pattern.test(out)) throw new Error(`README has no section <!-- BEGIN ${table.name} -->`);
    out = out.replace(pattern, (_all, begin: string, end: string) => `${begin}${table.markdown}\n${end}`);
  }
  return out;
}
