// `cleanslate scan TARGET`: read-only residual-signature scan, one report.
import { Option, type Command } from 'commander';
import { runScan, type ScanReport } from '../../core/index.js';
import { CleanslateError } from '../../errors/index.js';
import { formatBytes, formatDuration, formatRate } from '../output/format.js';
import { printJson, withJsonError } from '../output/json.js';
import { createProgressDisplay, type ProgressMode } from '../output/progress.js';
import { printFindingsSummary } from '../output/findings.js';
import type { CommandContext } from '../context.js';

interface ScanOptions {
  expect: string;
  full?: boolean;
  sample?: boolean;
  confidence?: string;
  residueFraction?: string;
  json?: boolean;
  progress: ProgressMode;
}

const EXAMPLES = `
Examples:
  # what is left on a returned volume (blank, random-looking data is not residue)
  cleanslate scan /dev/sdb

  # after a zero wipe every block must read 0x00: any other block is residue
  cleanslate scan /dev/loop0 --expect zero --json

  # a quick statistical check: 99% sure to catch a residue covering 0.1% of the device
  cleanslate scan disk.img --sample --confidence 0.99 --residue-fraction 0.001

Exit status: 0 clean, 1 residue found, 2 bad input, 4 read error.`;

// A number in (0, 1) from a flag, else a usage error.
function fraction(value: string | undefined, flag: string, target: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0 && n < 1))
    throw new CleanslateError('ERR_USAGE', `${flag} must be a number between 0 and 1, got '${value}'`, {
      target,
      step: 'options',
    });
  return n;
}

export function registerScan(program: Command, context: CommandContext): void {
  program
    .command('scan')
    .description('read a volume back and report residual signatures (read-only)')
    .argument('<target>', 'block device or image file')
    .addOption(
      new Option(
        '--expect <content>',
        'what every block should hold: none, zero, one, byte:0xNN, random:SEEDFILE',
      ).default('none'),
    )
    .addOption(new Option('--full', 'read every block (default)').conflicts('sample'))
    .addOption(
      new Option('--sample', 'read a stratified random sample plus the first 4 MiB and last 1 MiB').conflicts('full'),
    )
    .option(
      '--confidence <1-alpha>',
      'with --sample: probability of catching a residue of the given fraction (default 0.99)',
    )
    .option('--residue-fraction <p>', 'with --sample: smallest fraction of the device a residue covers (default 0.001)')
    .option('--json', 'print one JSON document on stdout')
    .addOption(
      new Option('--progress <mode>', 'progress display on stderr')
        .choices(['auto', 'tty', 'ndjson', 'none'])
        .default('auto'),
    )
    .addHelpText('after', EXAMPLES)
    .action(async (target: string, options: ScanOptions) => {
      const report = await withJsonError(options.json, { target: { path: target } }, () =>
        scanWithOptions(target, options, context),
      );
      if (options.json) printJson(report);
      else printScanReport(report);
      context.setExitCode(report.clean ? 0 : 1);
    });
}

// Checks the sampling flags and runs the scan with a progress display.
async function scanWithOptions(target: string, options: ScanOptions, context: CommandContext): Promise<ScanReport> {
  const confidence = fraction(options.confidence, '--confidence', target);
  const residueFraction = fraction(options.residueFraction, '--residue-fraction', target);
  if (!options.sample && (confidence !== undefined || residueFraction !== undefined)) {
    throw new CleanslateError('ERR_USAGE', '--confidence and --residue-fraction go with --sample', {
      target,
      step: 'options',
    });
  }
  const display = createProgressDisplay(options.progress);
  try {
    return await runScan({
      target,
      expect: options.expect,
      mode: options.sample ? 'sample' : 'full',
      ...(confidence !== undefined ? { confidence } : {}),
      ...(residueFraction !== undefined ? { residueFraction } : {}),
      signal: context.signal,
      onProgress: display.listener,
      onNotice: (message) => display.listener({ type: 'notice', target, message }),
    });
  } finally {
    display.stop();
  }
}

function printScanReport(report: ScanReport): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const { coverage, stats } = report;
  out(
    `${report.target.path}: ${report.clean ? 'CLEAN' : 'RESIDUE FOUND'}  (expect ${report.expect}, ${coverage.mode} scan)`,
  );
  out(
    `  scanned  ${formatBytes(coverage.bytesScanned)} of ${formatBytes(report.target.sizeBytes)} in ${formatDuration(report.durationMs)}` +
      ` (${formatRate((coverage.bytesScanned * 1000) / Math.max(report.durationMs, 1))})`,
  );
  if (coverage.claim) out(`  claim    ${coverage.claim}`);
  out(
    `  blocks   ${stats.zeroBlocks} zero, ${stats.onesBlocks} 0xff, ${stats.highEntropyBlocks} random-looking, ${stats.otherBlocks} other; ${report.residueBlocks} residue`,
  );
  printFindingsSummary(report, out);
}
