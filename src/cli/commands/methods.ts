// `cleanslate methods [--json]`: prints the method table.
import type { Command } from 'commander';
import { describePassSpecs, WIPE_METHODS } from '../../methods/index.js';
import { printJson } from '../output/json.js';

// The table as JSON-friendly rows, read by `methods --json` and the README generator.
export function methodRows(): {
  id: string;
  label: string;
  methodType: string;
  passes: number;
  sequence: string;
  verify: string;
  source: string;
}[] {
  return WIPE_METHODS.map((m) => ({
    id: m.id,
    label: m.label,
    methodType: m.methodType,
    passes: m.passes.length,
    sequence: describePassSpecs(m.passes),
    verify: m.verify,
    source: m.source,
  }));
}

export function registerMethods(program: Command): void {
  program
    .command('methods')
    .description('list the wipe methods and their pass sequences')
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nR = AES-256-CTR stream, r = one random byte repeated, ~r = its complement.\n')
    .action((options: { json?: boolean }) => {
      const rows = methodRows();
      if (options.json) return printJson({ methods: rows });
      const width = Math.max(...rows.map((r) => r.id.length));
      for (const r of rows) {
        process.stdout.write(
          `${r.id.padEnd(width)}  ${String(r.passes).padStart(2)} pass${r.passes === 1 ? ' ' : 'es'}  ${r.label}\n`,
        );
        process.stdout.write(`${' '.repeat(width)}  ${r.sequence}\n`);
      }
    });
}
