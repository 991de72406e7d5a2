// `cleanslate keys generate [--out DIR] [--json]`: a new Ed25519 signing key pair.
import type { Command } from 'commander';
import { generateKeys } from '../../core/index.js';
import { printJson, withJsonError } from '../output/json.js';

const EXAMPLES = `
Examples:
  # the host key in the state directory (<state>/keys), used by wipe when --key is not given
  cleanslate keys generate

  # a key for a fleet: keep the .key secret (mode 0600), give the .pub to verifiers
  cleanslate keys generate --out /etc/cleanslate/keys --json

  # check the key id with openssl alone
  openssl pkey -pubin -in cleanslate-signing.pub -outform DER | openssl dgst -sha256

Writes cleanslate-signing.key (PKCS#8 PEM, mode 0600) and cleanslate-signing.pub (SPKI PEM, 0644);
never overwrites either. The key id is "sha256:" + hex SHA-256 of the public key's SPKI DER.

Exit status: 0 written, 2 a key file already exists or the directory is not writable.`;

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('manage Ed25519 signing keys for certificates');
  keys
    .command('generate')
    .description('generate an Ed25519 signing key pair')
    .option('--out <dir>', 'directory for the key files (default <state>/keys)')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { out?: string; json?: boolean }) => {
      const report = await withJsonError(options.json, {}, () =>
        generateKeys({
          outDir: options.out,
          onNotice: (message) => process.stderr.write(`cleanslate: ${message}\n`),
        }),
      );
      if (options.json) {
        printJson({ keyId: report.keyId, privateKeyPath: report.privateKeyPath, publicKeyPath: report.publicKeyPath });
        return;
      }
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(`key id       ${report.keyId}`);
      out(`private key  ${report.privateKeyPath}  (mode 0600: keep it secret)`);
      out(`public key   ${report.publicKeyPath}  (give it to whoever verifies certificates)`);
    });
}
