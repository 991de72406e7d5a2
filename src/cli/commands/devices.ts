// `cleanslate devices [--json]`: block devices with identity and the guards' verdict.
import type { Command } from 'commander';
import { listDevices } from '../../core/index.js';
import { formatBytes } from '../output/format.js';
import { printJson } from '../output/json.js';

export function registerDevices(program: Command): void {
  program
    .command('devices')
    .description('list block devices, their identity, and whether cleanslate would wipe them')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      "\nExamples:\n  cleanslate devices\n  cleanslate devices --json | jq '.devices[] | select(.verdict.eligible)'\n",
    )
    .action(async (options: { json?: boolean }) => {
      const devices = await listDevices();
      if (options.json) return printJson({ devices });
      const rows = devices.map((d) => [
        d.identity.realPath,
        d.type,
        formatBytes(d.identity.sizeBytes),
        d.identity.model ?? '-',
        d.identity.serial ?? '-',
        d.identity.transport ?? '-',
        d.mountpoints.join(',') || '-',
        d.verdict.eligible ? 'eligible' : `refused (${d.verdict.guard}: ${d.verdict.reason})`,
      ]);
      const header = ['DEVICE', 'TYPE', 'SIZE', 'MODEL', 'SERIAL', 'TRAN', 'MOUNTPOINTS', 'VERDICT'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
      for (const row of [header, ...rows]) {
        process.stdout.write(
          `${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}\n`,
        );
      }
    });
}
