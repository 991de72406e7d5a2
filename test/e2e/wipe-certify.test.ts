// wipe → certificate → openssl alone → gate, through the built CLI, on image files and a loop device.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { describeLoop } from '../helpers/gates.js';
import { withLoopDevice } from '../helpers/loop-device.js';
import { runCli } from '../helpers/run-cli.js';

tmp.setGracefulCleanup();

let dir: tmp.DirResult;
let state: string;
let image: string;

beforeEach(() => {
  dir = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-cert-e2e-' });
  state = join(dir.name, 'state');
  image = join(dir.name, 'disk.img');
  writeFileSync(image, randomBytes(8 * 1024 * 1024));
});
afterEach(() => dir.removeCallback());

// Checks an envelope with openssl alone: the DSSE PAE rebuilt from the file, pkeyutl -verify -rawin.
async function verifyWithOpenssl(certPath: string, pubPem: string): Promise<string> {
  const envelope = JSON.parse(readFileSync(certPath, 'utf8')) as {
    payloadType: string;
    payload: string;
    signatures: { sig: string }[];
  };
  const body = Buffer.from(envelope.payload, 'base64');
  const type = Buffer.from(envelope.payloadType, 'utf8');
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
  writeFileSync(join(dir.name, 'pae.bin'), pae);
  writeFileSync(join(dir.name, 'sig.bin'), Buffer.from(envelope.signatures[0]!.sig, 'base64'));
  const r = await execa(
    'openssl',
    [
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      pubPem,
      '-rawin',
      '-in',
      join(dir.name, 'pae.bin'),
      '-sigfile',
      join(dir.name, 'sig.bin'),
    ],
    { reject: false },
  );
  return `${r.stdout}${r.stderr}`;
}

describe('wipe issues a certificate', () => {
  test('a passed wipe writes one certificate that cleanslate and openssl alone verify, bound to the audit log', async () => {
    const certDir = join(dir.name, 'certs');
    const r = await runCli(
      [
        'wipe',
        image,
        '--method',
        'dod-3',
        '--yes',
        '--json',
        '--cert-dir',
        certDir,
        '--operator',
        'alice',
        '--tenant',
        't-42',
        '--volume-id',
        'vol-1',
      ],
      { stateDir: state },
    );
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/created the host signing key sha256:[0-9a-f]{64}/);
    const report = JSON.parse(r.stdout);
    expect(report.certificate).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      keyId: expect.stringMatching(/^sha256:/),
    });
    expect(readdirSync(certDir)).toEqual([`${report.certificate.id}.cert.json`]);

    const pub = join(state, 'keys', 'cleanslate-signing.pub');
    expect(await verifyWithOpenssl(report.certificate.path, pub)).toContain('Signature Verified Successfully');
    const verify = await runCli(['cert', 'verify', report.certificate.path, '--pubkey', pub, '--json'], {
      stateDir: state,
    });
    expect(verify.exitCode).toBe(0);

    const payload = JSON.parse(
      Buffer.from(JSON.parse(readFileSync(report.certificate.path, 'utf8')).payload, 'base64').toString('utf8'),
    );
    expect(payload.predicate).toMatchObject({
      certificateId: report.certificate.id,
      result: 'PASS',
      tenant: 't-42',
      volumeId: 'vol-1',
      sanitization: { method: 'dod-3', methodType: 'clear', seedCommitment: report.seedCommitment },
      residualScan: { mode: 'full' },
      audit: { seq: report.certificate.audit.seq, entryHash: report.certificate.audit.entryHash },
    });
    expect(payload.predicate.sanitization.passes).toHaveLength(3);

    const audit = await runCli(['audit', 'verify', '--json'], { stateDir: state });
    expect(audit.exitCode).toBe(0);
    const show = JSON.parse((await runCli(['audit', 'show', '--json'], { stateDir: state })).stdout) as {
      entries: { type: string; seq: number; hash: string }[];
    };
    expect(show.entries.map((e) => e.type)).toEqual([
      'key.generated',
      'wipe.started',
      'pass.completed',
      'pass.completed',
      'pass.completed',
      'scan.completed',
      'wipe.completed',
      'cert.issued',
    ]);
    const anchor = show.entries.find((e) => e.type === 'wipe.completed')!;
    expect({ seq: anchor.seq, entryHash: anchor.hash }).toEqual(report.certificate.audit);
  });

  test('an Ed25519 key made by openssl signs with --key; a key readable by others is refused (exit 2, nothing written)', async () => {
    const key = join(dir.name, 'ops.key');
    await execa('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', key]);
    chmodSync(key, 0o644);
    const before = readFileSync(image);
    const refused = await runCli(['wipe', image, '--yes', '--key', key], { stateDir: state });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`chmod 600 ${key}`);
    expect(readFileSync(image).equals(before)).toBe(true);

    chmodSync(key, 0o600);
    await execa('openssl', ['pkey', '-in', key, '-pubout', '-out', join(dir.name, 'ops.pub')]);
    const r = await runCli(['wipe', image, '--yes', '--json', '--key', key], { stateDir: state });
    expect(r.exitCode).toBe(0);
    const { certificate } = JSON.parse(r.stdout);
    expect(await verifyWithOpenssl(certificate.path, join(dir.name, 'ops.pub'))).toContain(
      'Signature Verified Successfully',
    );
    expect(
      (await runCli(['cert', 'verify', certificate.path, '--pubkey', join(dir.name, 'ops.pub')], { stateDir: state }))
        .exitCode,
    ).toBe(0);
    // the host key did not sign it
    expect((await runCli(['cert', 'verify', certificate.path], { stateDir: state })).exitCode).toBe(5);
  });

  test('no certificate for a dry run or a refused run; the refusal is in the audit log', async () => {
    const certDir = join(dir.name, 'certs');
    mkdirSync(certDir);
    expect(
      (await runCli(['wipe', image, '--dry-run', '--cert-dir', certDir, '--json'], { stateDir: state })).exitCode,
    ).toBe(0);
    expect((await runCli(['wipe', image, '--cert-dir', certDir], { stateDir: state })).exitCode).toBe(3);
    expect(readdirSync(certDir)).toEqual([]);
    const show = JSON.parse((await runCli(['audit', 'show', '--json'], { stateDir: state })).stdout) as {
      entries: { type: string; result: string; details?: { code?: string } }[];
    };
    expect(show.entries.at(-1)).toMatchObject({
      type: 'wipe.failed',
      result: 'error',
      details: { code: 'ERR_GUARD_UNCONFIRMED' },
    });
  });

  test('a scan is recorded in the audit log too (read-only on the target)', async () => {
    // the image holds random bytes: random-looking blocks are not residue
    const r = await runCli(['scan', image, '--json'], { stateDir: state });
    expect(r.exitCode).toBe(0);
    const show = JSON.parse((await runCli(['audit', 'show', '--json'], { stateDir: state })).stdout) as {
      entries: { type: string; result: string; target: string }[];
    };
    expect(show.entries.at(-1)).toMatchObject({ type: 'scan.completed', result: 'clean', target: image });
    expect((await runCli(['audit', 'verify'], { stateDir: state })).exitCode).toBe(0);
  });

  test('keys generate is recorded in the audit log (signed by the host key)', async () => {
    await runCli(['keys', 'generate'], { stateDir: state }); // the host key, <state>/keys
    const r = await runCli(['keys', 'generate', '--out', join(dir.name, 'k'), '--json'], { stateDir: state });
    expect(r.exitCode).toBe(0);
    const { keyId } = JSON.parse(r.stdout);
    const show = JSON.parse((await runCli(['audit', 'show', '--json'], { stateDir: state })).stdout) as {
      entries: { type: string; details?: { keyId?: string } }[];
    };
    expect(show.entries.at(-1)).toMatchObject({ type: 'key.generated', details: { keyId } });
  });

  test('gate: open on the certified image, closed after one byte at 4096 changes, 5 for a tampered certificate', async () => {
    const r = await runCli(['wipe', image, '--method', 'random', '--yes', '--json'], { stateDir: state });
    const { certificate } = JSON.parse(r.stdout);
    const open = await runCli(['gate', image, '--cert', certificate.path, '--json'], { stateDir: state });
    expect(open.exitCode).toBe(0);
    expect(JSON.parse(open.stdout)).toMatchObject({
      open: true,
      checks: { identity: true, size: true, finalState: true },
    });

    const other = join(dir.name, 'other.img');
    writeFileSync(other, readFileSync(image));
    const wrongDevice = await runCli(['gate', other, '--cert', certificate.path, '--json'], { stateDir: state });
    expect(wrongDevice.exitCode).toBe(1);
    expect(JSON.parse(wrongDevice.stdout).checks.identity).toBe(false);

    const tampered = join(dir.name, 'tampered.cert.json');
    const envelope = JSON.parse(readFileSync(certificate.path, 'utf8'));
    const payload = Buffer.from(envelope.payload, 'base64');
    payload[payload.indexOf('"PASS"') + 1] = 'F'.charCodeAt(0);
    writeFileSync(tampered, JSON.stringify({ ...envelope, payload: payload.toString('base64') }));
    expect((await runCli(['gate', image, '--cert', tampered], { stateDir: state })).exitCode).toBe(5);

    const fh = await import('node:fs/promises').then((m) => m.open(image, 'r+'));
    await fh.write(Buffer.from([0x42]), 0, 1, 4096);
    await fh.close();
    const closed = await runCli(['gate', image, '--cert', certificate.path], { stateDir: state });
    expect(closed.exitCode).toBe(1);
    expect(closed.stdout).toMatch(/CLOSED/);
    expect(closed.stdout).toMatch(/final state/);
  });
});

describeLoop('gate on a loop device', () => {
  test('open on a freshly certified loop device, closed after one byte at 4096 changes', async () => {
    await withLoopDevice(64, async ({ device }) => {
      const r = await runCli(['wipe', device, '--method', 'zero', '--yes', '--json'], { stateDir: state });
      expect(r.exitCode).toBe(0);
      const { certificate } = JSON.parse(r.stdout);
      expect((await runCli(['gate', device, '--cert', certificate.path], { stateDir: state })).exitCode).toBe(0);
      // exactly one byte at offset 4096 changes (dd reads, modifies and writes back its sector)
      await execa('dd', [`of=${device}`, 'bs=1', 'seek=4096', 'count=1', 'conv=notrunc,fsync'], { input: 'X' });
      const closed = await runCli(['gate', device, '--cert', certificate.path, '--json'], { stateDir: state });
      expect(closed.exitCode).toBe(1);
      expect(JSON.parse(closed.stdout).checks.finalState).toBe(false);
    });
  });
});
