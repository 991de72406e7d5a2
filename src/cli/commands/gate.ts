// `cleanslate gate TARGET --cert CERT`: the reuse hook's question, answered by the exit code.
import { Option, type Command } from 'commander';
import { checkGate } from '../../core/index.js';
import { printJson } from '../output/json.js';
import type { CommandContext } from '../context.js';

const EXAMPLES = `
Examples:
  # before handing /dev/sdb to the next tenant
  cleanslate gate /dev/sdb --cert /srv/certs/3f2c....cert.json --trust /etc/cleanslate/trusted-keys

  # a control plane: one JSON answer, the exit code decides
  cleanslate gate /dev/loop0 --cert loop0.cert.json --pubkey signing.pub --json && echo reuse

Exit status: 0 gate open; 1 closed (another device, another size, or written since the
certificate); 5 the certificate is not valid or not trusted; 2 bad input.`;

interface GateOptions {
  cert: string;
  pubkey?: string;
  trust?: string;
  json?: boolean;
}

export function registerGate(program: Command, context: CommandContext): void {
  program
    .command('gate')
    .description('may this volume go to another tenant? checks the certificate against the device (read-only)')
    .argument('<target>', 'block device or image file')
    .requiredOption('--cert <file>', 'the certificate issued by `wipe`')
    .addOption(new Option('--pubkey <pem>', 'trust this public key').conflicts('trust'))
    .addOption(
      new Option('--trust <dir>', 'trust the public keys in this directory (*.pub, *.pem)').conflicts('pubkey'),
    )
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', EXAMPLES)
    .action(async (target: string, options: GateOptions) => {
      const report = await checkGate({
        target,
        certPath: options.cert,
        pubkeyPath: options.pubkey,
        trustDir: options.trust,
      });
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
