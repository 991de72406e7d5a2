// `cleanslate ledger init|status`: set up the fleet ledger (PostgreSQL), and ask it whether a
// volume is certified clean.
import { Option, type Command } from 'commander';
import { initLedgerSchema, readLedgerStatus, withLedger, type LedgerStatusReport } from '../../core/index.js';
import { CleanslateError } from '../../errors/index.js';
import { printJson } from '../output/json.js';
import type { CommandContext } from '../context.js';

const INIT_EXAMPLES = `
Examples:
  # once per ledger database, as its owner (not as a host's role); running it again changes nothing
  cleanslate ledger init --ledger postgres://ledger_admin:secret@db.example:5432/cleanslate

  # then give each host a login role in the writer group, e.g. in psql:
  #   CREATE ROLE host_r12_s07 LOGIN PASSWORD '...' IN ROLE cleanslate_writer;
  # and the control plane one in the reader group (cleanslate_reader: SELECT only)

Creates the schema "cleanslate" (tables keys, audit_entries, certificates), the group roles
cleanslate_writer (INSERT + SELECT) and cleanslate_reader (SELECT), triggers that reject UPDATE,
DELETE and TRUNCATE on every table, and a trigger that checks each audit entry's prevHash against
its host's previous entry. Exit status: 0 done, 4 ledger unreachable or not permitted, 2 bad URL.`;

const STATUS_EXAMPLES = `
Examples:
  cleanslate ledger status --volume-id vol-0a1b2c --ledger "$CLEANSLATE_LEDGER"
  cleanslate ledger status --volume-id vol-0a1b2c --json | jq .certified

"certified" means: the latest certificate of the volume verifies (with --pubkey / --trust, else
with the key its host registered in the ledger) and no wipe of the volume started, failed or was
aborted after it. The device itself is not read: run \`cleanslate gate TARGET --ledger URL\` on
the host that holds it for that.
Exit status: 0 certified, 1 not certified (no certificate, a later wipe event, bad signature),
4 ledger unreachable, 2 bad input.`;

interface LedgerOptions {
  ledger?: string;
  volumeId?: string;
  pubkey?: string;
  trust?: string;
  json?: boolean;
}

// --ledger URL, defaulting to $CLEANSLATE_LEDGER (commander reads the environment).
export function ledgerOption(required = false): Option {
  const option = new Option(
    '--ledger <url>',
    `fleet ledger, postgres://user:password@host:port/database${required ? '' : ' (used in addition to the local state)'}`,
  ).env('CLEANSLATE_LEDGER');
  return option;
}

// The ledger URL of a command that cannot run without one.
export function requireLedgerUrl(url: string | undefined, step: string): string {
  if (url) return url;
  throw new CleanslateError('ERR_LEDGER_URL', 'no ledger: give --ledger URL or set CLEANSLATE_LEDGER', { step });
}

export function registerLedger(program: Command, context: CommandContext): void {
  const ledger = program
    .command('ledger')
    .description('the fleet ledger on PostgreSQL: set it up, ask it about a volume');
  ledger
    .command('init')
    .description('create the ledger schema, roles and triggers (idempotent)')
    .addOption(ledgerOption(true))
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', INIT_EXAMPLES)
    .action(async (options: LedgerOptions) => {
      const report = await withLedger(requireLedgerUrl(options.ledger, 'ledger init'), initLedgerSchema);
      if (options.json) printJson(report);
      else {
        process.stdout.write(`${report.ledger}: ledger ready (schema ${report.schema} v${report.schemaVersion})\n`);
        process.stdout.write(`  tables   ${report.tables.join(', ')}\n`);
        process.stdout.write(
          `  roles    ${report.roles.join(', ')} (grant them to the hosts' and control plane's login roles)\n`,
        );
      }
      context.setExitCode(0);
    });
  ledger
    .command('status')
    .description('the latest certificate and wipe result of a volume, from the ledger')
    .requiredOption('--volume-id <id>', "the cloud's volume id (as given to `wipe --volume-id`)")
    .addOption(ledgerOption(true))
    .addOption(new Option('--pubkey <pem>', 'trust exactly this public key').conflicts('trust'))
    .addOption(new Option('--trust <dir>', 'trust every *.pub / *.pem key in this directory').conflicts('pubkey'))
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', STATUS_EXAMPLES)
    .action(async (options: LedgerOptions & { volumeId: string }) => {
      const report = await withLedger(requireLedgerUrl(options.ledger, 'ledger status'), (l) =>
        readLedgerStatus(l, { volumeId: options.volumeId, pubkey: options.pubkey, trust: options.trust }),
      );
      if (options.json) printJson(report);
      else printStatus(report);
      context.setExitCode(report.certified ? 0 : 1);
    });
}

function printStatus(report: LedgerStatusReport): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`volume ${report.volumeId}: ${report.certified ? 'CERTIFIED' : 'NOT CERTIFIED'}`);
  const c = report.certificate;
  if (c) {
    out(`  certificate ${c.id}  ${c.result}  issued ${c.issuedAt} on ${c.host ?? '?'}`);
    out(`  device      ${c.deviceId}  ${c.sizeBytes} bytes${c.tenant ? `  tenant ${c.tenant}` : ''}`);
    out(`  signature   ${c.signature} (${c.keyId})`);
  }
  const e = report.lastEvent;
  if (e) out(`  last event  ${e.type} ${e.result ?? '-'} at ${e.ts} (${e.host ?? e.keyId}, seq ${e.seq})`);
  for (const reason of report.reasons) out(`  not certified: ${reason}`);
}
