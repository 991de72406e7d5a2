// wipe --crypto-erase through the built CLI on real loop devices: LUKS volumes made by the real
// cryptsetup cannot be opened afterwards, the certificate records the erase, and a backend that
// cannot act on the device exits 6 with nothing written (root + CLEANSLATE_TEST_LOOP=1).
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeLoop } from '../helpers/gates.js';
import { withLoopDevice } from '../helpers/loop-device.js';
import { formatLuks } from '../helpers/luks.js';
import { runCli, sha256Of } from '../helpers/run-cli.js';

const MiB = 1024 * 1024;
let state: string;
let keys: string;
beforeAll(() => {
  state = mkdtempSync(join(tmpdir(), 'cleanslate-e2e-erase-'));
  keys = mkdtempSync(join(tmpdir(), 'cleanslate-e2e-erase-keys-'));
});
afterAll(() => {
  rmSync(state, { recursive: true, force: true });
  rmSync(keys, { recursive: true, force: true });
});

// A LUKS volume on the loop device whose data area holds ciphertext of random plaintext: like a
// used volume (cryptsetup cannot open it here: no device-mapper, so the data area is written raw).
async function luksVolume(device: string, type: 'luks1' | 'luks2', keyslots: number): Promise<string[]> {
  const files = await formatLuks(device, keys, { type, keyslots });
  const dump = await execa('cryptsetup', ['luksDump', device]);
  const offset =
    type === 'luks1'
      ? Number(/Payload offset:\s*(\d+)/.exec(dump.stdout)![1]) * 512
      : Number(/offset:\s*(\d+) \[bytes\]/.exec(dump.stdout)![1]);
  await execa('dd', [`of=${device}`, 'bs=1M', `seek=${offset}`, 'oflag=seek_bytes,direct', 'status=none'], {
    input: randomBytes(8 * MiB),
  });
  return files;
}

async function opens(device: string, key: string): Promise<boolean> {
  const r = await execa('cryptsetup', ['open', '--test-passphrase', '--key-file', key, device], { reject: false });
  return r.exitCode === 0;
}

describeLoop('wipe --crypto-erase luks', () => {
  test.for([
    ['luks1', 3],
    ['luks2', 4],
  ] as const)(
    '%s with %i keyslots: no key opens it afterwards, isLuks fails, certified as a purge',
    async ([type, n]) => {
      await withLoopDevice(40, async ({ device }) => {
        const files = await luksVolume(device, type, n);
        for (const key of files) expect(await opens(device, key)).toBe(true);
        const uuid = (await execa('cryptsetup', ['luksUUID', device])).stdout.trim();

        const r = await runCli(['wipe', device, '--crypto-erase', 'luks', '--yes', '--json', '--progress', 'ndjson'], {
          stateDir: state,
        });
        expect(r.exitCode, r.stderr).toBe(0);
        const report = JSON.parse(r.stdout);
        expect(report).toMatchObject({
          result: 'PASS',
          method: { id: 'crypto-erase:luks', methodType: 'purge' },
          passes: [],
          verification: { mode: 'scan', mismatches: 0, bytesRead: 40 * MiB },
          scan: { expect: 'none', clean: true },
          erase: { requested: 'luks', backend: 'luks', outcome: { technique: 'crypto-erase', luks: { uuid } } },
        });
        const events = r.stderr
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l).type);
        expect(events).toEqual(expect.arrayContaining(['erase.started', 'erase.completed', 'scan.completed']));

        // the real cryptsetup: no header, no key opens it
        expect((await execa('cryptsetup', ['isLuks', device], { reject: false })).exitCode).not.toBe(0);
        expect((await execa('cryptsetup', ['luksDump', device], { reject: false })).exitCode).not.toBe(0);
        for (const key of files) expect(await opens(device, key)).toBe(false);

        // the certificate names the erase; it verifies; the audit log holds erase.completed
        const cert = report.certificate.path as string;
        const pub = join(state, 'keys', 'cleanslate-signing.pub');
        expect((await runCli(['cert', 'verify', cert, '--pubkey', pub], { stateDir: state })).exitCode).toBe(0);
        const envelope = JSON.parse(readFileSync(cert, 'utf8'));
        const predicate = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()).predicate;
        expect(predicate.sanitization).toMatchObject({
          methodType: 'purge',
          technique: 'crypto-erase',
          method: 'crypto-erase:luks',
          erase: { backend: 'luks', luks: { version: type === 'luks1' ? 1 : 2, uuid } },
        });
        expect(predicate.sanitization.erase.regions.length).toBeGreaterThan(n);
        expect(predicate.finalState).toMatchObject({ expect: 'none', pattern: { kind: 'none' } });
        // of the destroyed regions only hashes remain, never their bytes
        for (const [name, value] of Object.entries(predicate.sanitization.erase.evidence)) {
          if (name.startsWith('oldSha256:')) expect(value).toMatch(/^[0-9a-f]{64}$/);
        }
        const audit = await runCli(['audit', 'show', '--json'], { stateDir: state });
        expect(audit.stdout).toContain('erase.completed');
        expect((await runCli(['audit', 'verify'], { stateDir: state })).exitCode).toBe(0);
        // and the reuse gate opens on it
        expect((await runCli(['gate', device, '--cert', cert, '--pubkey', pub], { stateDir: state })).exitCode).toBe(0);
      });
    },
  );

  test('--method zero after the erase: the keys are gone and the device is all zero', async () => {
    await withLoopDevice(24, async ({ device }) => {
      const files = await luksVolume(device, 'luks2', 1);
      const r = await runCli(['wipe', device, '--crypto-erase', 'luks', '--method', 'zero', '--yes', '--json'], {
        stateDir: state,
      });
      expect(r.exitCode, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report).toMatchObject({
        method: { id: 'zero', methodType: 'purge' },
        erase: { backend: 'luks' },
        passes: [{ pattern: '0x00' }],
      });
      expect((await execa('cmp', ['-n', String(24 * MiB), device, '/dev/zero'], { reject: false })).exitCode).toBe(0);
      expect(await opens(device, files[0]!)).toBe(false);
    });
  });

  test('plaintext left from before the LUKS format is residue: exit 1, no certificate', async () => {
    await withLoopDevice(48, async ({ device, image }) => {
      // an ext4 filesystem first (1 KiB blocks: 8 MiB groups, backup superblocks at 24 and 40 MiB, past
      // the 16 MiB of LUKS2 metadata), then luksFormat over it without wiping: the data area still
      // holds the old plaintext filesystem
      await execa('mkfs.ext4', ['-q', '-F', '-b', '1024', image]);
      await formatLuks(device, keys, { type: 'luks2' });
      const r = await runCli(['wipe', device, '--crypto-erase', 'luks', '--yes', '--json'], { stateDir: state });
      expect(r.exitCode).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.result).toBe('FAIL');
      expect(report.certificate).toBeNull();
      expect(report.erase.outcome.technique).toBe('crypto-erase');
      expect(Object.keys(report.scan.counts)).toContain('ext4');
      expect(r.stderr).toMatch(/residual scan found/);
    });
  });

  test('--dry-run probes and prints the plan; nothing is written', async () => {
    await withLoopDevice(24, async ({ device }) => {
      await luksVolume(device, 'luks2', 1);
      const before = await sha256Of(device);
      const r = await runCli(['wipe', device, '--crypto-erase', 'luks', '--dry-run'], { stateDir: state });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/erase {4}luks: LUKS2 header, UUID/);
      expect(await sha256Of(device)).toBe(before);
    });
  });
});

describeLoop('wipe --crypto-erase: nothing to erase', () => {
  test.for(['nvme', 'ata', 'scsi', 'luks'])(
    '--crypto-erase %s on a plain loop device exits 6, names why, writes nothing',
    async (backend) => {
      await withLoopDevice(
        8,
        async ({ device }) => {
          const before = await sha256Of(device);
          const r = await runCli(['wipe', device, '--crypto-erase', backend, '--yes'], { stateDir: state });
          expect(r.exitCode).toBe(6);
          expect(r.stderr).toContain(device);
          expect(r.stderr).toMatch(new RegExp(`--crypto-erase ${backend} cannot act on this device \\(${backend}: `));
          expect(r.stderr).toMatch(/nothing was written/);
          expect(await sha256Of(device)).toBe(before);
        },
        { prepareImage: async (image) => writeFileSync(image, randomBytes(8 * MiB)) },
      );
    },
  );

  test('auto: exit 6 without --fallback; --fallback overwrite runs the default overwrite', async () => {
    await withLoopDevice(
      8,
      async ({ device }) => {
        const before = await sha256Of(device);
        const refused = await runCli(['wipe', device, '--crypto-erase', 'auto', '--yes'], { stateDir: state });
        expect(refused.exitCode).toBe(6);
        expect(refused.stderr).toMatch(/nothing here can be crypto-erased \(nvme: .*ata: .*scsi: .*luks: /);
        expect(refused.stderr).toMatch(/--fallback overwrite/);
        expect(await sha256Of(device)).toBe(before);
        const r = await runCli(
          ['wipe', device, '--crypto-erase', 'auto', '--fallback', 'overwrite', '--yes', '--json'],
          {
            stateDir: state,
          },
        );
        expect(r.exitCode, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({
          result: 'PASS',
          method: { id: 'nist-clear', methodType: 'clear' },
          erase: { requested: 'auto', backend: null, outcome: null },
        });
        expect(r.stderr).toMatch(/no crypto-erase possible .* overwriting with nist-clear/);
      },
      { prepareImage: async (image) => writeFileSync(image, randomBytes(8 * MiB)) },
    );
  });

  test('--crypto-erase without --method and --scan none is a usage error (exit 2)', async () => {
    await withLoopDevice(8, async ({ device }) => {
      const r = await runCli(['wipe', device, '--crypto-erase', 'luks', '--scan', 'none', '--yes'], {
        stateDir: state,
      });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/--scan none needs --method/);
    });
  });
});
