// `cleanslate wipe TARGET...`: turns flags into WipeRequests, runs them, prints reports.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CleanslateError, exitCodeForError, type ExitCode } from '../../errors/index.js';
import {
  CRYPTO_ERASE_CHOICES,
  DEFAULT_METHOD_ID,
  ERASE_BACKENDS,
  describeProbes,
  openWipeLedger,
  runWipe,
  type CryptoEraseChoice,
  type WipeReport,
  type WipeRequest,
} from '../../core/index.js';
import { WIPE_METHODS } from '../../methods/index.js';
import { printFindingsSummary } from '../output/findings.js';
import { formatBytes, formatDuration, formatOffset, formatRate } from '../output/format.js';
import { printJson } from '../output/json.js';
import { createProgressDisplay, type ProgressMode } from '../output/progress.js';
import { runLimited, type RunTurn } from '../parallel.js';
import { askOnTerminal, hasTerminal } from '../terminal.js';
import type { CommandContext } from '../context.js';
import { ledgerOption } from './ledger.js';

interface WipeOptions {
  method?: string;
  cryptoErase: CryptoEraseChoice;
  fallback: 'overwrite' | 'none';
  resume?: boolean;
  onError: { retries: number };
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
  ledger?: string;
  parallel: number;
}

const EXAMPLES = `
Examples:
  # one zero pass, verified and scanned, asking for the device's serial first; prints the certificate path
  cleanslate wipe /dev/sdb

  # a control plane: DoD 3-pass, no prompt, one JSON report, NDJSON progress on stderr
  cleanslate wipe /dev/disk/by-id/nvme-EXAMPLE --method dod-3 --yes --json --progress ndjson \\
    --volume-id vol-123 --tenant t-42 --operator reuse-hook --cert-dir /srv/certs --key /etc/cleanslate/signing.key

  # eight volumes of a decommissioned host at once, one progress line, one JSON document
  cleanslate wipe /dev/sd{b,c,d,e,f,g,h,i} --method zero --parallel 8 --yes --json

  # what would happen, without writing
  cleanslate wipe /dev/loop0 --method gutmann --dry-run

  # a fleet host: every audit entry and the certificate also go to the PostgreSQL ledger; if it is
  # down the wipe completes locally and \`cleanslate audit ship\` sends the backlog later
  CLEANSLATE_LEDGER=postgres://host_r12_s07:secret@db.example/cleanslate cleanslate wipe /dev/sdd --yes --volume-id vol-9

  # after a crash, kill or power loss: continue from the last checkpoint (certified once every pass is done)
  cleanslate wipe /dev/sdb --resume --yes

  # crypto-erase a LUKS volume (destroy every keyslot and both headers), then read it all back and
  # scan it: the old data must read as noise with no signature left
  cleanslate wipe /dev/sdc --crypto-erase luks --yes

  # the drive's own sanitize when it has one, else a NIST Clear overwrite
  cleanslate wipe /dev/nvme1n1 --crypto-erase auto --fallback overwrite --yes --json

Methods: ${WIPE_METHODS.map((m) => m.id).join(', ')} (see \`cleanslate methods\`).
Crypto-erase backends: ${ERASE_BACKENDS.map((b) => `${b.id} (${b.label})`).join(', ')}; exit 6 when the
requested one cannot act on the device, before anything is written.
Nothing is written unless every safety guard passes (exit 3 otherwise).

Several targets: each gets its own guards, report, audit entries and certificate; one that fails
does not stop the others, and the exit code is the worst one. --parallel N wipes up to N at once.
On a terminal without --yes, --parallel > 1 first asks for every target's confirmation, one after
the other in the order given, and only then starts the wipes.`;

export function registerWipe(program: Command, context: CommandContext): void {
  program
    .command('wipe')
    .description('overwrite block devices or image files with a wipe method and verify them')
    .argument('<targets...>', 'block devices (/dev/sdX, /dev/loopN, /dev/disk/by-id/...) or image files')
    .addOption(
      new Option('--method <id>', `overwrite method (default: ${DEFAULT_METHOD_ID}; none with --crypto-erase)`),
    )
    .addOption(
      new Option('--crypto-erase <backend>', 'destroy the keys first (a Purge): a backend, or auto for the strongest')
        .choices([...CRYPTO_ERASE_CHOICES])
        .default('none'),
    )
    .addOption(
      new Option('--fallback <what>', 'when no backend can crypto-erase the device: overwrite instead of exit 6')
        .choices(['overwrite', 'none'])
        .default('none'),
    )
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
    .addOption(
      new Option(
        '--on-error <policy>',
        'stop at the first I/O error, or retry:N a failed chunk N times, then block by block to name the bad blocks',
      )
        .argParser(parseOnError)
        .default({ retries: 0 }, 'stop'),
    )
    .option(
      '--resume',
      'continue the interrupted wipe of each target from its last checkpoint (same device, size and method)',
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
    .addOption(ledgerOption())
    .addOption(
      new Option('--parallel <n>', 'wipe up to N targets at once (confirmations first, see below)')
        .argParser(parseParallel)
        .default(1),
    )
    .addHelpText('after', EXAMPLES)
    .action(async (targets: string[], options: WipeOptions) => {
      context.setExitCode(await wipeTargets(targets, options, context));
    });
}

// --on-error stop | retry:N (N from 1 to 10).
function parseOnError(value: string): { retries: number } {
  if (value === 'stop') return { retries: 0 };
  const match = /^retry:(\d+)$/.exec(value);
  const n = match ? Number(match[1]) : NaN;
  if (!(n >= 1 && n <= 10))
    throw new InvalidArgumentError(`expected stop or retry:N with N from 1 to 10, got '${value}'`);
  return { retries: n };
}

// --parallel N: a whole number ≥ 1 (commander turns the error into exit 2).
function parseParallel(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('It must be a whole number of targets to wipe at once, 1 or more.');
  return n;
}

type WipeOutcome = { report: WipeReport } | { target: string; error: Error };

// Wipes the targets, up to --parallel at once; one failure does not stop the others; returns the
// worst exit code. Reports (--json) are in target order, human reports in order of completion.
async function wipeTargets(targets: string[], options: WipeOptions, context: CommandContext): Promise<ExitCode> {
  const display = createProgressDisplay(options.progress);
  // --ledger: entries and certificates also go to the fleet ledger; a dead ledger is one notice, never a failure
  const ledger = options.ledger
    ? openWipeLedger(options.ledger, (message) => display.listener({ type: 'notice', target: 'ledger', message }))
    : undefined;
  const parallel = options.parallel ?? 1;
  const interactive = hasTerminal();
  const ask = (question: string) => display.suspend(() => askOnTerminal(question));
  const printError = (error: Error) => display.suspend(() => context.printError(error));
  const failed = async (target: string, error: unknown): Promise<WipeOutcome> => {
    const err = error instanceof Error ? error : new Error(String(error));
    display.listener({
      type: 'failed',
      target,
      code: err instanceof CleanslateError ? err.code : 'ERR_INTERNAL',
      message: err.message,
    });
    await printError(err);
    return { target, error: err };
  };

  const wipeOne = async (target: string, turn: RunTurn): Promise<WipeOutcome> => {
    const request: WipeRequest = {
      target,
      // --resume without --method continues whatever method the checkpoint names
      methodId: options.method ?? (options.cryptoErase === 'none' && !options.resume ? DEFAULT_METHOD_ID : null),
      resume: options.resume ?? false,
      retries: options.onError.retries,
      cryptoErase: options.cryptoErase,
      fallback: options.fallback,
      ...(options.verify ? { verify: options.verify } : {}),
      scan: options.scan,
      dryRun: options.dryRun ?? false,
      confirmation: {
        yes: options.yes ?? false,
        interactive,
        prompt: (question) => turn.confirm(() => ask(question)),
      },
      keepSeed: options.keepSeed ?? false,
      operator: options.operator,
      tenant: options.tenant,
      volumeId: options.volumeId,
      keyPath: options.key,
      certDir: options.certDir,
      ledger,
      onNotice: (message) => display.listener({ type: 'notice', target, message }),
      signal: context.signal,
      onProgress: display.listener,
    };
    try {
      const report = await runWipe(request);
      if (!options.json) await display.suspend(() => printHumanReport(report));
      if (report.result === 'FAIL') await printError(failureOf(report));
      return { report };
    } catch (error) {
      return failed(target, error);
    }
  };

  const settled = await runLimited(
    targets,
    {
      limit: parallel,
      signal: context.signal,
      // on a terminal without --yes, several at once: every question first, one at a time in target
      // order (the progress line paused), then the wipes; with --parallel 1 each asks in its turn, as before
      confirmFirst: parallel > 1 && targets.length > 1 && interactive && !options.yes && !options.dryRun,
    },
    (target, _index, turn) => wipeOne(target, turn),
  );
  const outcomes: WipeOutcome[] = [];
  for (const [index, result] of settled.entries()) {
    // a rejection here is a run interrupted while it waited for its slot: wipeOne itself never throws
    outcomes.push(
      result.status === 'fulfilled'
        ? result.value
        : await failed(targets[index]!, notStarted(result.reason, targets[index]!)),
    );
  }
  display.stop();
  await ledger?.close();
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

// A run interrupted (SIGINT) while it waited for a free slot: nothing of it ran.
function notStarted(error: unknown, target: string): CleanslateError {
  const reason = error instanceof Error ? error.message : String(error);
  return new CleanslateError('ERR_INTERRUPTED', `${reason} before it started; nothing was written`, {
    target,
    step: 'queue',
  });
}

// The stderr line for a run whose read-back did not match or whose scan found residue.
function failureOf(report: WipeReport): CleanslateError {
  const v = report.verification;
  if ((v.mismatches === 0 || v.mode === 'scan') && report.scan && !report.scan.clean) {
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

// The crypto-erase lines: the backend and what it found, or the fallback; what it destroyed.
function printErase(report: WipeReport, out: (line: string) => void): void {
  const erase = report.erase!;
  if (erase.backend === null) {
    out(`  erase    none possible (${describeProbes(erase.probes)}); overwritten instead`);
    return;
  }
  out(`  erase    ${erase.backend}: ${erase.capability?.reason ?? ''}`);
  const o = erase.outcome;
  if (!o) return;
  const bytes = o.regions.reduce((sum, r) => sum + r.length, 0);
  out(
    `           ${o.technique} done in ${formatDuration(o.durationMs)}` +
      (o.regions.length ? `: ${o.regions.length} regions, ${formatBytes(bytes)} overwritten and read back` : '') +
      (o.luks ? `; LUKS${o.luks.version} ${o.luks.uuid} is gone` : ''),
  );
}

function printHumanReport(report: WipeReport): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const id = report.identity;
  out(`${report.target.path}: ${report.result}  ${report.method.id} (${report.method.label})`);
  out(
    `  device   ${id.realPath}  ${formatBytes(report.target.sizeBytes)}  ${[id.model, id.serial].filter(Boolean).join(' ') || id.kind}`,
  );
  if (report.erase) printErase(report, out);
  for (const stop of report.resumed?.interruptions ?? []) {
    out(`  resumed  after ${stop.reason} at ${stop.at}: pass ${stop.pass}, ${formatBytes(stop.offset)} done`);
  }
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
