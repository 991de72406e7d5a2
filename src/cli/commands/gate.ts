// `cleanslate gate TARGET --cert CERT | --ledger URL`: the reuse hook's question, answered by the exit code.
import { Option, type Command } from 'commander';
import { checkGate, checkGateFromLedger, withLedger, type GateReport } from '../../core/index.js';
import { CleanslateError } from '../../errors/index.js';
import { printJson, withJsonError } from '../output/json.js';
import type { CommandContext } from '../context.js';
import { ledgerOption } from './ledger.js';

const EXAMPLES = `
Examples:
  # before handing /dev/sdb to the next tenant
  cleanslate gate /dev/sdb --cert /srv/certs/3f2c....cert.json --trust /etc/cleanslate/trusted-keys

  # a control plane: one JSON answer, the exit code decides
  cleanslate gate /dev/loop0 --cert loop0.cert.json --pubkey signing.pub --json && echo reuse

  # a fleet: no certificate file, the ledger holds it (the latest PASS certificate of this device)
  cleanslate gate /dev/nvme1n1 --ledger postgres://reuse_hook@db.example/cleanslate --volume-id vol-0a1b2c

Without --cert the certificate comes from the ledger (--ledger or CLEANSLATE_LEDGER): the latest
PASS certificate whose device id is this target's (and, with --volume-id, issued for that volume).
It is verified with --pubkey / --trust when given, else with the key its host registered in the
ledger; the device is then read exactly as with --cert.

Exit status: 0 gate open; 1 closed (another device, another size, written since the
certificate, or no certificate in the ledger); 5 the certificate is not valid or not trusted;
2 bad input (neither --cert nor a ledger); 4 ledger unreachable.`;

interface GateOptions {
  cert?: string;
  ledger?: string;
  volumeId?: string;
  pubkey?: string;
  trust?: string;
  json?: boolean;
}

export function registerGate(program: Command, context: CommandContext): void {
  program
    .command('gate')
    .description('may this volume go to another tenant? checks the certificate against the device (read-only)')
    .argument('<target>', 'block device or image file')
    .option('--cert <file>', 'the certificate issued by `wipe` (else from the ledger)')
    .addOption(ledgerOption())
    .option('--volume-id <id>', 'with the ledger: only a certificate issued for this volume')
    .addOption(new Option('--pubkey <pem>', 'trust this public key').conflicts('trust'))
    .addOption(
      new Option('--trust <dir>', 'trust the public keys in this directory (*.pub, *.pem)').conflicts('pubkey'),
    )
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', EXAMPLES)
    .action(async (target: string, options: GateOptions) => {
      const report = await withJsonError(options.json, { open: false, target: { path: target } }, () =>
        gateReportOf(target, options),
      );
      if (options.json) printJson(report);
      else {
        process.stdout.write(
          `${target}: gate ${report.open ? 'OPEN' : 'CLOSED'}  (certificate ${report.certificate.id})\n`,
        );
        for (const reason of report.reasons) process.stdout.write(`  closed: ${reason}\n`);
        if (report.open)
          process.stdout.write('  certificate valid and trusted, same device and size, final state unchanged\n');
      }
      context.setExitCode(report.open ? 0 : 1);
    });
}

// The gate with --cert FILE, else with the certificate from the ledger.
async function gateReportOf(target: string, options: GateOptions): Promise<GateReport> {
  const trust = { pubkeyPath: options.pubkey, trustDir: options.trust };
  if (options.cert) return checkGate({ target, certPath: options.cert, ...trust });
  if (!options.ledger) {
    throw new CleanslateError('ERR_USAGE', 'give --cert FILE, or a ledger (--ledger URL or CLEANSLATE_LEDGER)', {
      target,
      step: 'gate',
    });
  }
  return withLedger(options.ledger, (ledger) =>
    checkGateFromLedger(ledger, { target, volumeId: options.volumeId, ...trust }),
  );
}
