// keys generate, cert verify and cert show through the built CLI; certificates signed by the
// library and checked by openssl alone (DESIGN §7).
import { execa } from 'execa';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadSigningKey, signCertificate, type Envelope } from '../../src/cert/index.js';
import { sampleInput } from '../helpers/cert-fixtures.js';
import { runCli } from '../helpers/run-cli.js';

let dir: string;
let state: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cleanslate-cert-e2e-'));
  state = join(dir, 'state');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface KeysJson {
  keyId: string;
  privateKeyPath: string;
  publicKeyPath: string;
}

async function generateKeys(out: string): Promise<KeysJson> {
  const r = await runCli(['keys', 'generate', '--out', out, '--json'], { stateDir: state });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as KeysJson;
}

// Signs the sample certificate with a key file and writes it; resolves its path.
function issueCertificate(privateKeyPath: string, name = 'cert.json'): string {
  const signed = signCertificate(sampleInput(), loadSigningKey(privateKeyPath));
  const path = join(dir, name);
  writeFileSync(path, signed.text);
  return path;
}

// What a user does with jq and base64, in node: decode payload and sig, rebuild the DSSE PAE.
function writePaeAndSig(certPath: string, out: string): { pae: string; sig: string } {
  const envelope = JSON.parse(readFileSync(certPath, 'utf8')) as Envelope;
  const payload = Buffer.from(envelope.payload, 'base64');
  const pae = Buffer.concat([
    Buffer.from(`DSSEv1 ${Buffer.byteLength(envelope.payloadType)} ${envelope.payloadType} ${payload.length} `),
    payload,
  ]);
  const paths = { pae: join(out, 'pae.bin'), sig: join(out, 'sig.bin') };
  writeFileSync(paths.pae, pae);
  writeFileSync(paths.sig, Buffer.from(envelope.signatures[0]?.sig ?? '', 'base64'));
  return paths;
}

const opensslVerify = (pub: string, pae: string, sig: string) =>
  execa('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', pae, '-sigfile', sig], {
    reject: false,
  });

describe('cleanslate keys generate', () => {
  test('writes the key pair (0600 / 0644), prints the key id openssl computes, never overwrites', async () => {
    const out = join(dir, 'keys');
    const keys = await generateKeys(out);
    expect(keys.privateKeyPath).toBe(join(out, 'cleanslate-signing.key'));
    expect(keys.publicKeyPath).toBe(join(out, 'cleanslate-signing.pub'));
    expect(statSync(keys.privateKeyPath).mode & 0o777).toBe(0o600);
    expect(statSync(keys.publicKeyPath).mode & 0o777).toBe(0o644);
    const der = await execa('openssl', ['pkey', '-pubin', '-in', keys.publicKeyPath, '-outform', 'DER'], {
      encoding: 'buffer',
    });
    const dgst = await execa('openssl', ['dgst', '-sha256', '-r'], { input: der.stdout });
    expect(keys.keyId).toBe(`sha256:${String(dgst.stdout).split(' ')[0]}`);

    const again = await runCli(['keys', 'generate', '--out', out], { stateDir: state });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('already exists');
  });

  test('defaults to <state>/keys and prints a human summary', async () => {
    const r = await runCli(['keys', 'generate'], { stateDir: state });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/key id\s+sha256:[0-9a-f]{64}/);
    expect(r.stdout).toContain(join(state, 'keys', 'cleanslate-signing.key'));
    expect(statSync(join(state, 'keys')).mode & 0o777).toBe(0o700);
  });

  test('--help has examples', async () => {
    const r = await runCli(['keys', 'generate', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Examples:');
  });
});

describe('a certificate verifies with openssl alone', () => {
  test('rebuild the PAE from the envelope; openssl pkeyutl -verify -rawin says so; a tampered one fails', async () => {
    const keys = await generateKeys(join(dir, 'keys'));
    const cert = issueCertificate(keys.privateKeyPath);
    const { pae, sig } = writePaeAndSig(cert, dir);
    const ok = await opensslVerify(keys.publicKeyPath, pae, sig);
    expect(ok.stdout).toContain('Signature Verified Successfully');
    expect(ok.exitCode).toBe(0);

    const tampered = readFileSync(pae);
    tampered[tampered.length - 10] = (tampered[tampered.length - 10] ?? 0) ^ 1;
    writeFileSync(pae, tampered);
    const bad = await opensslVerify(keys.publicKeyPath, pae, sig);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stdout).not.toContain('Signature Verified Successfully');
  });

  test('the jq/base64/openssl recipe of `cert verify --help`, run in a shell', async () => {
    const keys = await generateKeys(join(dir, 'keys'));
    const cert = issueCertificate(keys.privateKeyPath);
    const script = [
      'set -e',
      `jq -r .payload "$1" | base64 -d > payload.bin`,
      `jq -r '.signatures[0].sig' "$1" | base64 -d > sig.bin`,
      `{ printf 'DSSEv1 %s %s %s ' 28 application/vnd.in-toto+json "$(stat -c %s payload.bin)"; cat payload.bin; } > pae.bin`,
      `openssl pkeyutl -verify -pubin -inkey "$2" -rawin -in pae.bin -sigfile sig.bin`,
    ].join('\n');
    const r = await execa('sh', ['-c', script, 'sh', cert, keys.publicKeyPath], { cwd: dir, reject: false });
    expect(r.stdout).toContain('Signature Verified Successfully');
  });

  test('a key made by openssl genpkey signs certificates that cert verify accepts', async () => {
    const key = join(dir, 'openssl.key');
    const pub = join(dir, 'openssl.pub');
    await execa('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', key]);
    chmodSync(key, 0o600);
    await execa('openssl', ['pkey', '-in', key, '-pubout', '-out', pub]);
    const cert = issueCertificate(key);
    const r = await runCli(['cert', 'verify', cert, '--pubkey', pub], { stateDir: state });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('VALID');
  });
});

describe('cleanslate cert verify', () => {
  let keys: KeysJson;
  let cert: string;
  beforeEach(async () => {
    keys = await generateKeys(join(dir, 'keys'));
    cert = issueCertificate(keys.privateKeyPath);
  });

  test('exit 0 with --pubkey, --trust, or the host key of the state directory; --json', async () => {
    const byKey = await runCli(['cert', 'verify', cert, '--pubkey', keys.publicKeyPath], { stateDir: state });
    expect(byKey.exitCode, byKey.stderr).toBe(0);
    expect(byKey.stdout).toContain(keys.keyId);

    const trustDir = join(dir, 'trusted');
    mkdirSync(trustDir);
    writeFileSync(join(trustDir, 'fleet.pub'), readFileSync(keys.publicKeyPath));
    const json = await runCli(['cert', 'verify', cert, '--trust', trustDir, '--json'], { stateDir: state });
    expect(json.exitCode, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: true,
      keyId: keys.keyId,
      certificateId: '3f2c9a1e-7b4d-4c8e-9a6f-0123456789ab',
      result: 'PASS',
      trust: { kind: 'trust-dir', path: trustDir },
    });

    // the host key: keys generate into the state directory, sign with it, verify with no flag
    const host = await generateKeys(join(state, 'keys'));
    const hostCert = issueCertificate(host.privateKeyPath, 'host.cert.json');
    const byHost = await runCli(['cert', 'verify', hostCert], { stateDir: state });
    expect(byHost.exitCode, byHost.stderr).toBe(0);
    expect(byHost.stdout).toContain('host key');
  });

  test('exit 5: a tampered payload, an untrusted key', async () => {
    const envelope = JSON.parse(readFileSync(cert, 'utf8')) as Envelope;
    const payload = Buffer.from(envelope.payload, 'base64')
      .toString('utf8')
      .replace('"mismatches":0', '"mismatches":9');
    const tampered = join(dir, 'tampered.cert.json');
    writeFileSync(tampered, JSON.stringify({ ...envelope, payload: Buffer.from(payload).toString('base64') }));
    const r = await runCli(['cert', 'verify', tampered, '--pubkey', keys.publicKeyPath, '--json'], {
      stateDir: state,
    });
    expect(r.exitCode).toBe(5);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, error: { code: 'ERR_SIGNATURE_INVALID' } });
    expect(r.stderr).toContain('signature');

    const other = await generateKeys(join(dir, 'other'));
    const untrusted = await runCli(['cert', 'verify', cert, '--pubkey', other.publicKeyPath], { stateDir: state });
    expect(untrusted.exitCode).toBe(5);
    expect(untrusted.stderr).toContain('untrusted');
  });

  test('exit 2: not a certificate, missing file, no trusted key, --pubkey with --trust', async () => {
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '['.repeat(100_000));
    const cases: [string[], RegExp][] = [
      [['cert', 'verify', junk, '--pubkey', keys.publicKeyPath], /deeper/],
      [['cert', 'verify', join(dir, 'missing.json'), '--pubkey', keys.publicKeyPath], /cannot read/],
      [['cert', 'verify', cert], /no trusted key: pass --pubkey or --trust/],
      [['cert', 'verify', cert, '--pubkey', keys.publicKeyPath, '--trust', dir], /cannot be used with/],
      [['cert', 'verify', cert, '--pubkey', cert], /not a PEM public key/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { stateDir: state });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('cleanslate cert show', () => {
  test('a readable summary; "signature: not checked" without a key, verified with one', async () => {
    const keys = await generateKeys(join(dir, 'keys'));
    const cert = issueCertificate(keys.privateKeyPath);
    const plain = await runCli(['cert', 'show', cert], { stateDir: state });
    expect(plain.exitCode, plain.stderr).toBe(0);
    for (const text of [
      '3f2c9a1e-7b4d-4c8e-9a6f-0123456789ab',
      '/srv/images/vol-42.img',
      'dod-3',
      'purge',
      'pass 3',
      'aes-256-ctr',
      'verification',
      'residual scan',
      'Alice Operator',
      keys.keyId,
      '2026-11-23T04:40:12.345Z',
    ]) {
      expect(plain.stdout).toContain(text);
    }
    expect(plain.stdout).toMatch(/signature\s+not checked/);

    const checked = await runCli(['cert', 'show', cert, '--pubkey', keys.publicKeyPath], { stateDir: state });
    expect(checked.exitCode, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/signature\s+valid/);

    const other = await generateKeys(join(dir, 'other'));
    const wrong = await runCli(['cert', 'show', cert, '--pubkey', other.publicKeyPath], { stateDir: state });
    expect(wrong.exitCode).toBe(5);
    expect(wrong.stdout).toBe('');
  });

  test('--help of cert verify and cert show has examples', async () => {
    for (const sub of ['verify', 'show']) {
      const r = await runCli(['cert', sub, '--help']);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('Examples:');
    }
  });
});
