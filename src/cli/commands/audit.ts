// `cleanslate audit verify|show`: check the hash-chained audit log, or print its entries.
import { Option, type Command } from 'commander';
import {
  readAuditTrail,
  shipAuditTrail,
  verifyAuditTrail,
  verifyLedgerTrail,
  withLedger,
  type AuditVerifyReport,
  type FleetVerifyReport,
  type ShipReport,
} from '../../core/index.js';
import { CleanslateError } from '../../errors/index.js';
import { printJson, withJsonError } from '../output/json.js';
import type { CommandContext } from '../context.js';
import { ledgerOption, requireLedgerUrl } from './ledger.js';

interface AuditOptions {
  log?: string;
  ledger?: string;
  pubkey?: string;
  trust?: string;
  json?: boolean;
}

const VERIFY_EXAMPLES = `
Examples:
  # the host's own log, checked against the host's public key
  cleanslate audit verify

  # a copied log, checked against a key you trust
  cleanslate audit verify --log ./audit.log --pubkey cleanslate-signing.pub --json

  # the fleet ledger: every host's chain, every entry's and certificate's signature (keys as the
  # hosts registered them, or only --trust DIR), plus this host's log when it has one
  cleanslate audit verify --ledger postgres://auditor@db.example/cleanslate --trust /etc/cleanslate/fleet-keys

What it catches: an edited, deleted, reordered or inserted line, a truncated file, and an entry
signed by a key that is not trusted. What it cannot see from the log alone: that the LAST entries
were removed. A certificate's audit {seq, entryHash} and the fleet ledger anchor those.

With --ledger (or CLEANSLATE_LEDGER) the JSON document is { ok, local, ledger }: local is the
report above (null when this host has no log), ledger lists problems by key id, seq and certificate.
The ledger also catches rows a superuser changed with the triggers disabled.

Exit status: 0 intact, 5 tampered (the first bad line is named), 2 unreadable log or key,
4 ledger unreachable.`;

const SHIP_EXAMPLES = `
Examples:
  # after a wipe that ran while the ledger was down, or from a cron job / systemd timer
  cleanslate audit ship --ledger postgres://host_r12_s07:secret@db.example/cleanslate

Sends every entry of the local audit log that the ledger does not hold yet, in order, and the
certificates that its cert.issued entries name. Idempotent: a second ship adds nothing. An entry
whose hash or signature is wrong is not shipped (exit 5); the ledger holding another entry under
the same host key and seq is a conflict (exit 5). Exit status: 0 shipped, 4 ledger unreachable.`;

const SHOW_EXAMPLES = `
Examples:
  cleanslate audit show
  cleanslate audit show --log ./audit.log --json | jq '.entries[] | select(.type == "cert.issued")'

Entries are printed as stored, without verification: run \`cleanslate audit verify\` for that.`;

// The problems of a tampered log, as printed by `audit verify` (at most this many).
const MAX_PRINTED_PROBLEMS = 20;

export function registerAudit(program: Command, context: CommandContext): void {
  const audit = program.command('audit').description('verify or print the tamper-evident audit log');
  audit
    .command('verify')
    .description('check every line of the audit log: hash, chain, sequence and signature')
    .option('--log <file>', 'audit log (default <state>/audit.log)')
    .addOption(new Option('--pubkey <pem>', 'trust exactly this public key').conflicts('trust'))
    .addOption(new Option('--trust <dir>', 'trust every *.pub / *.pem key in this directory').conflicts('pubkey'))
    .addOption(ledgerOption())
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', VERIFY_EXAMPLES)
    .action(async (options: AuditOptions) => {
      if (options.ledger) return verifyWithLedger(options.ledger, options, context);
      const report = await withJsonError(options.json, { log: options.log ?? null, ok: false }, () =>
        verifyAuditTrail({ log: options.log, pubkey: options.pubkey, trust: options.trust }),
      );
      if (options.json) printJson(report);
      else printVerifyReport(report);
      const first = report.problems[0];
      if (first) {
        const seq = first.seq === null ? '' : ` (seq ${first.seq})`;
        const hint =
          first.kind === 'untrusted-key' && report.keySource !== 'pubkey' && report.keySource !== 'trust'
            ? '; give the signing key with --pubkey or --trust'
            : '';
        context.printError(
          new CleanslateError(
            'ERR_AUDIT_TAMPERED',
            `tampered: line ${first.line}${seq}: ${first.kind}: ${first.message}${hint}` +
              (report.problemCount > 1 ? ` (${report.problemCount} problems in all)` : ''),
            { target: report.log, step: 'audit verify' },
          ),
        );
      }
      context.setExitCode(report.ok ? 0 : 5);
    });
  audit
    .command('ship')
    .description('send the local audit log and its certificates to the fleet ledger (idempotent)')
    .addOption(ledgerOption(true))
    .option('--log <file>', 'audit log (default <state>/audit.log)')
    .option('--cert-dir <dir>', 'where certificates are looked for when moved (default <state>/certs)')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', SHIP_EXAMPLES)
    .action(async (options: AuditOptions & { certDir?: string }) => {
      const report = await withLedger(requireLedgerUrl(options.ledger, 'audit ship'), (ledger) =>
        shipAuditTrail(ledger, { log: options.log, certDir: options.certDir }),
      );
      if (options.json) printJson(report);
      else printShipReport(report);
      context.setExitCode(0);
    });
  audit
    .command('show')
    .description('print the entries of the audit log (without verifying it)')
    .option('--log <file>', 'audit log (default <state>/audit.log)')
    .option('--json', 'print one JSON document on stdout: { entries: [...] }')
    .addHelpText('after', SHOW_EXAMPLES)
    .action(async (options: AuditOptions) => {
      const { entries } = readAuditTrail({ log: options.log });
      if (!options.json) {
        for await (const e of entries) {
          process.stdout.write(
            `${String(e.seq).padStart(6)}  ${e.ts}  ${e.type.padEnd(15)}  ${e.target ?? '-'}  ${e.result ?? '-'}\n`,
          );
        }
        return;
      }
      const collected = [];
      try {
        for await (const e of entries) collected.push(e);
      } catch (error) {
        if (error instanceof CleanslateError) printJson({ entries: collected, error: error.toJSON() });
        throw error;
      }
      printJson({ entries: collected });
    });
}

function printVerifyReport(report: AuditVerifyReport): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const keys = report.trustedKeys.length === 1 ? report.trustedKeys[0] : `${report.trustedKeys.length} trusted keys`;
  if (report.ok) {
    out(`${report.log}: INTACT  (${report.entries} entries, signed by ${keys})`);
    out(`  last     seq ${report.lastSeq}, hash ${report.lastHash}`);
    return;
  }
  out(`${report.log}: TAMPERED  (${report.problemCount} problem(s) in ${report.entries} entries)`);
  for (const p of report.problems.slice(0, MAX_PRINTED_PROBLEMS)) {
    out(`  line ${p.line}${p.seq === null ? '' : ` (seq ${p.seq})`}  ${p.kind}: ${p.message}`);
  }
  if (report.problemCount > MAX_PRINTED_PROBLEMS) out(`  ... and ${report.problemCount - MAX_PRINTED_PROBLEMS} more`);
}

// `audit verify --ledger`: the ledger's chains and certificates, and the local log when there is one.
async function verifyWithLedger(url: string, options: AuditOptions, context: CommandContext): Promise<void> {
  const report = await withLedger(url, (ledger) =>
    verifyLedgerTrail(ledger, { log: options.log, pubkey: options.pubkey, trust: options.trust }),
  );
  if (options.json) printJson(report);
  else printFleetReport(report);
  const first = report.ledger.problems[0];
  if (first) {
    const where = [
      first.keyId,
      first.seq === null ? null : `seq ${first.seq}`,
      first.certificateId && `certificate ${first.certificateId}`,
    ]
      .filter(Boolean)
      .join(' ');
    context.printError(
      new CleanslateError(
        'ERR_AUDIT_TAMPERED',
        `ledger tampered: ${where}: ${first.kind}: ${first.message}` +
          (report.ledger.problemCount > 1 ? ` (${report.ledger.problemCount} problems in all)` : ''),
        { target: report.ledger.ledger, step: 'audit verify --ledger' },
      ),
    );
  }
  const local = report.local?.problems[0];
  if (local && report.local) {
    context.printError(
      new CleanslateError('ERR_AUDIT_TAMPERED', `tampered: line ${local.line}: ${local.kind}: ${local.message}`, {
        target: report.local.log,
        step: 'audit verify',
      }),
    );
  }
  context.setExitCode(report.ok ? 0 : 5);
}

function printFleetReport(report: FleetVerifyReport): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const l = report.ledger;
  out(
    `${l.ledger}: ${l.ok ? 'INTACT' : 'TAMPERED'}  (${l.chains} host chain(s), ${l.entries} entries, ${l.certificates} certificates, ${l.keys} registered key(s))`,
  );
  for (const p of l.problems.slice(0, MAX_PRINTED_PROBLEMS)) {
    const where = [p.keyId, p.seq === null ? null : `seq ${p.seq}`, p.certificateId && `certificate ${p.certificateId}`]
      .filter(Boolean)
      .join(' ');
    out(`  ${where}  ${p.kind}: ${p.message}`);
  }
  if (l.problemCount > MAX_PRINTED_PROBLEMS) out(`  ... and ${l.problemCount - MAX_PRINTED_PROBLEMS} more`);
  if (report.local) printVerifyReport(report.local);
}

function printShipReport(report: ShipReport): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const e = report.entries;
  const c = report.certificates;
  out(`${report.log} → ${report.ledger}`);
  out(`  entries       ${e.inserted} sent, ${e.present} already there (${e.read} in the log)`);
  out(
    `  certificates  ${c.inserted} sent, ${c.present} already there${c.missing.length ? `, ${c.missing.length} missing locally: ${c.missing.join(', ')}` : ''}`,
  );
}
