// `cleanslate audit verify|show`: check the hash-chained audit log, or print its entries.
import { Option, type Command } from 'commander';
import { readAuditTrail, verifyAuditTrail, type AuditVerifyReport } from '../../core/index.js';
import { CleanslateError } from '../../errors/index.js';
import { printJson } from '../output/json.js';
import type { CommandContext } from '../context.js';

interface AuditOptions {
  log?: string;
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

What it catches: an edited, deleted, reordered or inserted line, a truncated file, and an entry
signed by a key that is not trusted. What it cannot see from the log alone: that the LAST entries
were removed. A certificate's audit {seq, entryHash} and the fleet ledger anchor those.

Exit status: 0 intact, 5 tampered (the first bad line is named), 2 unreadable log or key.`;

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
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', VERIFY_EXAMPLES)
    .action(async (options: AuditOptions) => {
      const report = await verifyAuditTrail({ log: options.log, pubkey: options.pubkey, trust: options.trust });
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
