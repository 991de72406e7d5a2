// `cleanslate wipe TARGET...`: turns flags into WipeRequests, runs them, prints reports.
import { Option, type Command } from 'commander';
import { CleanslateError, exitCodeForError, type ExitCode } from '../../errors/index.js';
import { runWipe, type WipeReport, type WipeRequest } from '../../core/index.js';
import { WIPE_METHODS } from '../../methods/index.js';
import { printFindingsSummary } from '../output/findings.js';
import { formatBytes, formatDuration, formatOffset, formatRate } from '../output/format.js';
import { printJson } from '../output/json.js';
import { createProgressDisplay, type ProgressMode } from '../output/progress.js';
import { askOnTerminal, hasTerminal } from '../terminal.js';
import type { CommandContext } from '../context.js';

interface WipeOptions {
  method: string;
  verify?: 'last' | 'all' | 'none';
  scan: 'full' | 'sample' | 'none';
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
  progress: ProgressMode;
  operator?: string;
  tenant?: string;
  volumeId?: string;
  keepSeed?: boolean;
  key?: string;
  certDir?: string;
}

const EXAMPLES = `
Examples:
  # one zero pass, verified and scanned, asking for the device's serial first; prints the certificate path
  cleanslate wipe /dev/sdb

  # a control plane: DoD 3-pass, no prompt, one JSON report, NDJSON progress on stderr
  cleanslate wipe /dev/disk/by-id/nvme-EXAMPLE --method dod-3 --yes --json --progress ndjson \\
    --volume-id vol-123 --tenant t-42 --operator reuse-hook --cert-dir /srv/certs --key /etc/cleanslate/signing.key

  # what would happen, without writing
  cleanslate wipe /dev/loop0 --method gutmann --dry-run

Methods: ${WIPE_METHODS.map((m) => m.id).join(', ')} (see \`cleanslate methods\`).
Nothing is written unless every safety guard passes (exit 3 otherwise).`;

export function registerWipe(program: Command, context: CommandContext): void {
  program
    .command('wipe')
    .description('overwrite block devices or image files with a wipe method and verify them')
    .argument('<targets...>', 'block devices (/dev/sdX, /dev/loopN, /dev/disk/by-id/...) or image files')
    .addOption(new Option('--method <id>', 'wipe method').default('nist-clear'))
    .addOption(
      new Option(
        '--verify <mode>',
        "read back after the last pass, after every pass, or not (default: the method's)",
      ).choices(['last', 'all', 'none']),
    )
    .addOption(
      new Option('--scan <mode>', 'residual-signature scan after the last pass, expecting what it wrote')
        .choices(['full', 'sample', 'none'])
        .default('full'),
    )
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .addOption(new Option('-n, --dry-run', 'run the guards and print the plan, write nothing').conflicts('keepSeed'))
    .option('--json', 'print one JSON document on stdout')
    .addOption(
      new Option('--progress <mode>', 'progress display on stderr')
        .choices(['auto', 'tty', 'ndjson', 'none'])
        .default('auto'),
    )
    .option('--operator <name>', 'who runs the wipe (recorded in the report)')
    .option('--tenant <id>', 'tenant the volume came back from')
    .option('--volume-id <id>', "the cloud's volume id")
    .option('--keep-seed', 'keep the run seed in the state directory after a successful run')
    .option(
      '--key <file>',
      'Ed25519 private key (PKCS#8 PEM, mode 0600) that signs the certificate (default: the host key)',
    )
    .option('--cert-dir <dir>', 'where certificates are written (default: <state>/certs)')
    .addHelpText('after', EXAMPLES)
    .action(async (targets: string[], options: WipeOptions) => {
      context.setExitCode(await wipeTargets(targets, options, context));
    });
}

// Wipes each target in turn; one failure does not stop the others; returns the worst exit code.
async function wipeTargets(targets: string[], options: WipeOptions, context: CommandContext): Promise<ExitCode> {
  const display = createProgressDisplay(options.progress);
  const outcomes: ({ report: WipeReport } | { target: string; error: Error })[] = [];
  for (const target of targets) {
    if (context.signal.aborted) break;
    const request: WipeRequest = {
      target,
      methodId: options.method,
      ...(options.verify ? { verify: options.verify } : {}),
      scan: options.scan,
      dryRun: options.dryRun ?? false,
      confirmation: { yes: options.yes ?? false, interactive: hasTerminal(), prompt: askOnTerminal },
      keepSeed: options.keepSeed ?? false,
      operator: options.operator,
      tenant: options.tenant,
      volumeId: options.volumeId,
      keyPath: options.key,
      certDir: options.certDir,
      onNotice: (message) => display.listener({ type: 'notice', target, message }),
      signal: context.signal,
      onProgress: display.listener,
    };
    try {
      const report = await runWipe(request);
      display.stop();
      outcomes.push({ report });
      if (!options.json) printHumanReport(report);
      if (report.result === 'FAIL') context.printError(failureOf(report));
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      display.listener({
        type: 'failed',
        target,
        code: err instanceof CleanslateError ? err.code : 'ERR_INTERNAL',
        message: err.message,
      });
      display.stop(undefined, false);
      outcomes.push({ target, error: err });
      context.printError(err);
    }
  }
  const codes = outcomes.map((o) => ('report' in o ? exitForReport(o.report) : exitCodeForError(o.error)));
  const worst = codes.reduce<ExitCode>((a, b) => (b > a ? b : a), 0);
  if (options.json) {
    const documents = outcomes.map((o) =>
      'report' in o ? o.report : { target: { path: o.target }, error: errorJson(o.error) },
    );
    printJson(targets.length === 1 ? documents[0] : { reports: documents, exitCode: worst });
  }
  return worst;
}

// The stderr line for a run whose read-back did not match or whose scan found residue.
function failureOf(report: WipeReport): CleanslateError {
  const v = report.verification;
  if (v.mismatches === 0 && report.scan && !report.scan.clean) {
    const first = report.scan.findings[0];
    return new CleanslateError(
      'ERR_VERIFY_MISMATCH',
      `residual scan found ${report.scan.residueBlocks} residue block(s)${first ? `, first a ${first.kind}` : ''}`,
      {
        target: report.target.path,
        step: 'scan',
        offset: first?.offset,
      },
    );
  }
  return new CleanslateError(
    'ERR_VERIFY_MISMATCH',
    `${v.mismatches} block(s) of 4 KiB did not read back as written; first mismatch`,
    {
      target: report.target.path,
      step: 'verify',
      offset: v.firstMismatchOffset ?? undefined,
    },
  );
}

function exitForReport(report: WipeReport): ExitCode {
  return report.result === 'FAIL' ? 1 : 0;
}

function errorJson(error: Error): Record<string, unknown> {
  return error instanceof CleanslateError
    ? error.toJSON()
    : { code: 'ERR_INTERNAL', exitCode: 4, message: error.message };
}

function printHumanReport(report: WipeReport): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const id = report.identity;
  out(`${report.target.path}: ${report.result}  ${report.method.id} (${report.method.label})`);
  out(
    `  device   ${id.realPath}  ${formatBytes(report.target.sizeBytes)}  ${[id.model, id.serial].filter(Boolean).join(' ') || id.kind}`,
  );
  if (report.dryRun) {
    out('  dry run: nothing was written; the plan would be:');
    for (const p of report.plan) out(`    pass ${p.index}/${report.plan.length}  ${p.pattern}`);
    out(`  verify   ${report.verification.mode}`);
    return;
  }
  for (const p of report.passes) {
    out(
      `  pass ${p.index}/${report.plan.length}  ${p.pattern.padEnd(18)} ${formatBytes(p.bytes)} in ${formatDuration(p.durationMs)} (${formatRate(p.bytesPerSecond)})`,
    );
  }
  const v = report.verification;
  if (v.mode === 'none') out('  verify   none requested');
  for (const r of v.passes) {
    out(
      `  verify   pass ${r.pass}: ${formatBytes(r.bytesRead)} read, ${r.mismatches} mismatching 4 KiB block(s) (${formatRate(r.bytesPerSecond)})`,
    );
  }
  if (v.firstMismatchOffset !== null) out(`  first mismatch at byte offset ${formatOffset(v.firstMismatchOffset)}`);
  if (report.scan) {
    const s = report.scan;
    out(
      `  scan     ${s.coverage.mode}, expecting ${s.expect}: ${s.clean ? 'clean' : `${s.residueBlocks} residue block(s)`}${s.coverage.claim ? ` (${s.coverage.claim})` : ''}`,
    );
    if (!s.clean) printFindingsSummary(s, out);
  }
  out(`  seed     sha256:${report.seedCommitment}${report.seedFile ? ` (kept in ${report.seedFile})` : ''}`);
  out(`  total    ${formatBytes(report.bytesWritten)} written in ${formatDuration(report.durationMs)}`);
  if (report.certificate) {
    out(`  cert     ${report.certificate.path}`);
    out(`           signed by ${report.certificate.keyId}, audit entry ${report.certificate.audit.seq}`);
  } else if (report.result === 'FAIL') out('  cert     none: the run did not pass (recorded in the audit log)');
}
