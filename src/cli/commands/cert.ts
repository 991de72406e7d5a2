// `cleanslate cert verify|show CERT`: check a certificate's signature and content, or print it.
// (`cert render` is registered on the same `cert` command by cert-render.ts.)
import { Option, type Command } from 'commander';
import {
  showCertificateFile,
  verifyCertificateFile,
  type CertificateShowResult,
  type CertificateVerification,
  type TrustSource,
} from '../../core/index.js';
import { CleanslateError } from '../../errors/index.js';
import { formatBytes } from '../output/format.js';
import { printJson } from '../output/json.js';
import type { CommandContext } from '../context.js';

interface CertOptions {
  pubkey?: string;
  trust?: string;
  json?: boolean;
}

const VERIFY_EXAMPLES = `
Examples:
  # against the public key of the host that issued it
  cleanslate cert verify 3f2c9a1e-....cert.json --pubkey cleanslate-signing.pub

  # against every key a fleet trusts, for a script
  cleanslate cert verify cert.json --trust /etc/cleanslate/trusted --json | jq .valid

  # with openssl alone (DSSE pre-authentication encoding, Ed25519)
  jq -r .payload cert.json | base64 -d > payload.bin
  jq -r '.signatures[0].sig' cert.json | base64 -d > sig.bin
  { printf 'DSSEv1 %s %s %s ' 28 application/vnd.in-toto+json "$(stat -c %s payload.bin)"; cat payload.bin; } > pae.bin
  openssl pkeyutl -verify -pubin -inkey cleanslate-signing.pub -rawin -in pae.bin -sigfile sig.bin

Without --pubkey or --trust, the host key of the state directory is trusted if there is one.

Exit status: 0 valid; 5 bad signature, untrusted key, wrong payload type, unknown predicate
version, subject digest that does not match the device, or a result other than PASS; 2 a file
that is not a certificate, or no usable key.`;

const SHOW_EXAMPLES = `
Examples:
  cleanslate cert show 3f2c9a1e-....cert.json
  cleanslate cert show cert.json --pubkey cleanslate-signing.pub     # verify first, then print

Without --pubkey or --trust the signature is not checked (the summary says so).

Exit status: 0 printed; 5 (with a key) the certificate does not verify; 2 not a certificate.`;

// Registers `cert verify` and `cert show`; returns the `cert` command so more subcommands can join it.
export function registerCert(program: Command, context: CommandContext): Command {
  const cert = program.command('cert').description('verify, show or render sanitization certificates');
  const trustOptions = (command: Command) =>
    command
      .addOption(new Option('--pubkey <pem>', 'trust exactly this Ed25519 public key (PEM)').conflicts('trust'))
      .addOption(
        new Option('--trust <dir>', 'trust every *.pub / *.pem public key in this directory').conflicts('pubkey'),
      );
  trustOptions(
    cert
      .command('verify')
      .description('verify a certificate: signature, trusted key, format, device digest and result')
      .argument('<cert>', 'certificate file (<certificateId>.cert.json)'),
  )
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', VERIFY_EXAMPLES)
    .action((certPath: string, options: CertOptions) => {
      let verification: CertificateVerification;
      try {
        verification = verifyCertificateFile({ certPath, pubkeyPath: options.pubkey, trustDir: options.trust });
      } catch (error) {
        if (options.json && error instanceof CleanslateError) {
          printJson({ valid: false, certPath, error: error.toJSON() });
        }
        throw error;
      }
      if (options.json) printJson(verificationDocument(verification));
      else printVerification(verification);
      context.setExitCode(0);
    });
  trustOptions(
    cert
      .command('show')
      .description('print a readable summary of a certificate (verified first when a key is given)')
      .argument('<cert>', 'certificate file (<certificateId>.cert.json)'),
  )
    .addHelpText('after', SHOW_EXAMPLES)
    .action((certPath: string, options: CertOptions) => {
      printSummary(showCertificateFile({ certPath, pubkeyPath: options.pubkey, trustDir: options.trust }));
    });
  return cert;
}

function trustText(trust: TrustSource): string {
  const how = {
    pubkey: '--pubkey',
    'trust-dir': '--trust',
    'host-key': 'host key',
    ledger: 'keys registered in',
  }[trust.kind];
  return `${how} ${trust.path}`;
}

function verificationDocument(v: CertificateVerification): Record<string, unknown> {
  const p = v.certificate.predicate;
  return {
    valid: true,
    certPath: v.certPath,
    keyId: v.certificate.keyId,
    trust: v.trust,
    certificateId: p.certificateId,
    issuedAt: p.issuedAt,
    result: p.result,
    subject: v.certificate.statement.subject,
    device: { deviceId: p.media.deviceId, path: p.media.path, sizeBytes: p.media.sizeBytes },
    statement: v.certificate.statement,
  };
}

function printVerification(v: CertificateVerification): void {
  const p = v.certificate.predicate;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`${v.certPath}: VALID`);
  out(`  certificate  ${p.certificateId}  (issued ${p.issuedAt})`);
  out(`  device       ${deviceText(p)}`);
  out(`  result       ${p.result}: ${p.sanitization.method} (${p.sanitization.methodType})`);
  out(`  signed by    ${v.certificate.keyId}  (trusted: ${trustText(v.trust)})`);
}

function deviceText(p: CertificateShowResult['certificate']['predicate']): string {
  const m = p.media;
  const names = [m.manufacturer, m.model, m.serial && `serial ${m.serial}`].filter(Boolean).join(' ');
  return `${m.path}${names ? ` (${names})` : ''}, ${formatBytes(m.sizeBytes)}`;
}

// One line per field, for people; every value comes from the (possibly unverified) Statement.
function printSummary(result: CertificateShowResult): void {
  const { predicate: p, statement } = result.certificate;
  const out = (label: string, value: string | number | null) =>
    process.stdout.write(`${`${label}`.padEnd(20)}${clean(value === null ? '-' : String(value))}\n`);
  const s = p.sanitization;
  process.stdout.write(`Certificate of sanitization (${p.standard})\n`);
  out('certificate id', p.certificateId);
  out('result', p.result);
  out(
    'signature',
    result.verified
      ? `valid, key ${result.verified.keyId} (trusted: ${trustText(result.verified.trust)})`
      : `not checked (signed by ${result.certificate.envelope.signatures.map((x) => x.keyid).join(', ')}; give --pubkey or --trust to verify)`,
  );
  out('signing key id', p.signingKeyId);
  out('issued', p.issuedAt);
  out('device', deviceText(p));
  out('device id', p.media.deviceId);
  out('subject', statement.subject.map((x) => `${x.name} sha256:${x.digest.sha256}`).join(', '));
  out('media type', `${p.media.mediaType}${p.media.transport ? `, ${p.media.transport}` : ''}`);
  out('size', `${formatBytes(p.media.sizeBytes)} (${p.media.sizeBytes} bytes)`);
  out('method', `${s.method}: ${s.methodLabel} (${s.methodType}, ${s.technique})`);
  out('method source', s.methodSource);
  // Certificates issued before crypto-erase existed carry no erase field.
  const erase = (s as { erase?: typeof s.erase }).erase ?? null;
  if (erase) {
    out('crypto-erase', `${erase.technique} via ${erase.backend}, ${erase.startedAt} → ${erase.endedAt}`);
    if (erase.luks)
      out('  erased header', `LUKS${erase.luks.version} ${erase.luks.uuid}, ${erase.luks.keyslots} keyslot(s)`);
    for (const r of erase.regions) out('  region', `${r.label}: offset ${r.offset}, ${formatBytes(r.length)}`);
    for (const c of erase.commands) out('  command', c);
  }
  const stops = (s as { interruptions?: typeof s.interruptions }).interruptions ?? [];
  for (const stop of stops) {
    out('interrupted', `${stop.reason} at ${stop.at}, pass ${stop.pass} at ${formatBytes(stop.offset)}; resumed`);
  }
  for (const pass of s.passes) {
    out(`  pass ${pass.index}`, `${pass.pattern}, ${formatBytes(pass.bytes)}, ${pass.startedAt} → ${pass.endedAt}`);
  }
  out('seed commitment', s.seedCommitment);
  out('started', s.startedAt);
  out('ended', s.endedAt);
  const v = p.verification;
  out(
    'verification',
    `${v.mode}: ${formatBytes(v.bytesRead)} read, ${v.mismatches} mismatches${v.claim ? `; ${v.claim}` : ''}`,
  );
  const r = p.residualScan;
  const findings = Object.entries(r.findings)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  out(
    'residual scan',
    `${r.mode}: ${r.result}, ${formatBytes(r.bytesScanned)} scanned, findings: ${findings || 'none'}${r.claim ? `; ${r.claim}` : ''}`,
  );
  out('final state', `${p.finalState.expect} (sample digest ${p.finalState.sampleDigest})`);
  out('operator', p.operator.name);
  out('validator', p.validator.name);
  out('tenant', p.tenant);
  out('volume id', p.volumeId);
  out('destination', p.postSanitization.destination);
  out('host', p.host);
  out('tool', `${p.tool.name} ${p.tool.version}`);
  out('audit entry', p.audit ? `#${p.audit.seq} ${p.audit.entryHash}` : null);
}

// Control characters of a hostile certificate must not reach the terminal.
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
