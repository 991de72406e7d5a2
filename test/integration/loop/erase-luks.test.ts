// The luks crypto-erase backend on real loop devices (root, CLEANSLATE_TEST_LOOP=1), checked with
// the real cryptsetup afterwards: no header, no keyslot, no magic at any header offset, the data
// segment untouched. Only loop devices created here over images in temp dirs, always detached.
import { execa } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { EraseContext, EraseOutcome } from '../../../src/erase/backend.js';
import { LUKS_HEADER_OFFSETS } from '../../../src/erase/luks-format.js';
import { luksBackend } from '../../../src/erase/luks.js';
import { openTarget } from '../../../src/io/index.js';
import { describeLoop } from '../../helpers/gates.js';
import { rejection } from '../../helpers/io-expect.js';
import { withLoopDevice } from '../../helpers/loop-device.js';
import { plant } from '../../helpers/scan-image.js';
import {
  cryptsetupExitCode,
  dumpLuksText,
  formatLuks,
  leaseBuffer,
  readAt,
  testIdentity,
  type LuksFormatOptions,
} from '../../helpers/luks.js';

const MiB = 1024 * 1024;
const SIZE_MiB = 32;
const loopOptions = existsSync('/dev/shm') ? { tmpdir: '/dev/shm' } : {};
const MAGICS = [Buffer.from('LUKS\xba\xbe', 'latin1'), Buffer.from('SKUL\xba\xbe', 'latin1')];

// SHA-256 of [offset, offset+length) of a device, read buffered after flushing its buffers.
async function sha256Of(device: string, offset: number, length: number): Promise<string> {
  await execa('blockdev', ['--flushbufs', device]);
  const hash = createHash('sha256');
  for (let at = offset; at < offset + length; at += 4 * MiB)
    hash.update(readAt(device, at, Math.min(4 * MiB, offset + length - at)));
  return hash.digest('hex');
}

// Fills the data segment with known bytes at its start, middle and end, so "unchanged" means something.
function writeData(device: string, dataOffset: number, size: number): void {
  for (const at of [dataOffset, Math.floor((dataOffset + size) / 2 / 4096) * 4096, size - MiB])
    plant(device, at, randomBytes(MiB));
}

// Opens the device as the wipe does (O_DIRECT|O_EXCL), probes and erases it, and always closes it.
async function probeAndErase(
  device: string,
  onProgress?: EraseContext['onProgress'],
): Promise<{ outcome: EraseOutcome; facts: Record<string, unknown>; reason: string }> {
  const target = await openTarget(device, { access: 'write' });
  try {
    expect(target.direct).toBe(true);
    const ctx: EraseContext = {
      identity: testIdentity(device, target.sizeBytes, 'block'),
      target,
      leaseBuffer,
      onProgress,
    };
    const capability = await luksBackend.probe(ctx);
    expect(capability.supported).toBe(true);
    expect(capability.techniques).toEqual(['crypto-erase']);
    const outcome = await luksBackend.erase(ctx, capability);
    return { outcome, facts: capability.facts, reason: capability.reason };
  } finally {
    await target.close();
  }
}

// Everything cryptsetup could use is gone: isLuks, luksDump and every key fail; no magic at any header offset.
async function expectNoLuksLeft(device: string, keys: string[]): Promise<void> {
  expect(await cryptsetupExitCode(['isLuks', device])).not.toBe(0);
  expect(await cryptsetupExitCode(['luksDump', device])).not.toBe(0);
  for (const key of keys)
    expect(await cryptsetupExitCode(['open', '--test-passphrase', '--key-file', key, device])).not.toBe(0);
  await execa('blockdev', ['--flushbufs', device]);
  for (const at of LUKS_HEADER_OFFSETS) {
    const head = readAt(device, at, 6);
    for (const magic of MAGICS) expect(head.equals(magic), `magic at 0x${at.toString(16)}`).toBe(false);
  }
}

// Before the erase: cryptsetup accepts every key (the volume is real and usable).
async function expectKeysWork(device: string, keys: string[]): Promise<void> {
  expect(await cryptsetupExitCode(['isLuks', device])).toBe(0);
  for (const key of keys)
    expect(await cryptsetupExitCode(['open', '--test-passphrase', '--key-file', key, device])).toBe(0);
}

// Regions must be sorted, 4096-aligned, non-overlapping and tile [0, end) exactly.
function expectTiling(outcome: EraseOutcome, end: number): void {
  let at = 0;
  for (const r of outcome.regions) {
    expect([r.offset, r.offset % 4096, r.length % 4096]).toEqual([at, 0, 0]);
    at += r.length;
  }
  expect(at).toBe(end);
}

// A LUKS volume on a fresh loop device; fn gets the device, its image, temp dir and key files.
async function withLuksLoop(
  options: LuksFormatOptions,
  fn: (loop: { device: string; image: string; dir: string; keys: string[] }) => Promise<void>,
): Promise<void> {
  await withLoopDevice(
    SIZE_MiB,
    async ({ device, image, dir }) => {
      const keys = await formatLuks(device, dir, options);
      await fn({ device, image, dir, keys });
    },
    loopOptions,
  );
}

describeLoop('luks crypto-erase on loop devices', () => {
  test('LUKS1 with 3 keyslots: all 8 key materials and the phdr destroyed, data untouched', async () => {
    await withLuksLoop({ type: 'luks1', keyslots: 3 }, async ({ device, keys }) => {
      const dump = await dumpLuksText(device);
      const dataOffset = dump.payloadOffsetSectors! * 512;
      const size = SIZE_MiB * MiB;
      writeData(device, dataOffset, size);
      await expectKeysWork(device, keys);
      const dataBefore = await sha256Of(device, dataOffset, size - dataOffset);

      const percents: number[] = [];
      const { outcome, facts, reason } = await probeAndErase(device, (p) => percents.push(p.percent));
      expect(facts).toMatchObject({ version: 1, uuid: dump.uuid, activeKeyslots: 3, dataOffset, checksumValid: null });
      expect(reason).toBe(`LUKS1 header, UUID ${dump.uuid}, 3 active keyslots, metadata 2 MiB`);
      expect(outcome).toMatchObject({
        backend: 'luks',
        technique: 'crypto-erase',
        commands: ['overwrite LUKS metadata'],
        luks: { version: 1, uuid: dump.uuid, keyslots: 8 },
      });
      expectTiling(outcome, dataOffset);
      for (let i = 0; i < 8; i++)
        expect(outcome.regions.some((r) => r.label.startsWith(`LUKS1 keyslot ${i} key material`))).toBe(true);
      expect(outcome.evidence).toMatchObject({ regionsVerified: outcome.regions.length, magicAbsent: true });
      expect(outcome.evidence['oldSha256:LUKS1 phdr']).toMatch(/^[0-9a-f]{64}$/);
      expect(percents.at(-1)).toBe(100);

      await expectNoLuksLeft(device, keys);
      expect(await sha256Of(device, dataOffset, size - dataOffset)).toBe(dataBefore);
    });
  });

  test('LUKS2 default: both headers, every keyslot area and a deleted keyslot remnant destroyed, data untouched', async () => {
    await withLuksLoop({ type: 'luks2', keyslots: 3 }, async ({ device, keys }) => {
      // Kill slot 1: its area becomes an unused part of the keyslots area, still erased.
      await execa('cryptsetup', ['luksKillSlot', '--batch-mode', '--key-file', keys[0]!, device, '1']);
      const uuid = (await dumpLuksText(device)).uuid;
      const size = SIZE_MiB * MiB;
      writeData(device, 16 * MiB, size);
      await expectKeysWork(device, [keys[0]!, keys[2]!]);
      const dataBefore = await sha256Of(device, 16 * MiB, size - 16 * MiB);

      const { outcome, facts, reason } = await probeAndErase(device);
      expect(facts).toMatchObject({
        version: 2,
        uuid,
        activeKeyslots: 2,
        hdrSize: 16384,
        keyslotsSize: 16744448,
        dataOffset: 16 * MiB,
        checksumValid: true,
      });
      expect(reason).toBe(`LUKS2 header, UUID ${uuid}, 2 active keyslots, metadata 16 MiB`);
      expectTiling(outcome, 16 * MiB);
      const labels = outcome.regions.map((r) => r.label);
      expect(labels.slice(0, 2)).toEqual([
        'LUKS2 primary header (binary + JSON)',
        'LUKS2 secondary header (binary + JSON)',
      ]);
      expect(labels).toContain('LUKS2 keyslot 0 area (raw)');
      expect(labels).toContain('LUKS2 keyslot 2 area (raw)');
      expect(labels).not.toContain('LUKS2 keyslot 1 area (raw)');
      // The killed slot 1 area [290816, 548864) lies inside an "unused keyslots area" region.
      const unused = outcome.regions.find((r) => r.offset <= 290816 && r.offset + r.length >= 548864);
      expect(unused?.label).toMatch(/^LUKS2 keyslots area \(unused\)/);

      await expectNoLuksLeft(device, keys);
      expect(await sha256Of(device, 16 * MiB, size - 16 * MiB)).toBe(dataBefore);
    });
  });

  test('LUKS2 64 KiB metadata, 1 MiB keyslots, primary destroyed: found via the secondary and erased', async () => {
    await withLuksLoop(
      { type: 'luks2', metadataSize: '64k', keyslotsSize: '1m', keyslots: 2 },
      async ({ device, image, dir, keys }) => {
        const uuid = (await dumpLuksText(device)).uuid;
        const dataOffset = 2 * MiB;
        const size = SIZE_MiB * MiB;
        writeData(device, dataOffset, size);
        plant(device, 0, Buffer.alloc(4096)); // the primary binary header is gone
        await execa('blockdev', ['--flushbufs', device]);
        // cryptsetup still opens a copy of this volume from its secondary header (and repairs that copy).
        const copy = join(dir, 'copy.img');
        copyFileSync(image, copy);
        expect(await cryptsetupExitCode(['open', '--test-passphrase', '--key-file', keys[1]!, copy])).toBe(0);
        const dataBefore = await sha256Of(device, dataOffset, size - dataOffset);

        const { outcome, facts, reason } = await probeAndErase(device);
        expect(facts).toMatchObject({ version: 2, uuid, hdrSize: 65536, keyslotsSize: MiB, dataOffset });
        expect(facts.headerSource).toBe('secondary at 0x10000');
        expect(reason).toContain('(from the secondary at 0x10000)');
        expectTiling(outcome, dataOffset);
        expect(outcome.regions.map((r) => r.label)).toContain('LUKS2 metadata area before the data segment (unused)');

        await expectNoLuksLeft(device, keys);
        expect(await sha256Of(device, dataOffset, size - dataOffset)).toBe(dataBefore);
      },
    );
  });

  test('cryptsetup erase (luksErase) leaves the header and UUID; this backend leaves neither', async () => {
    await withLuksLoop({ type: 'luks2', keyslots: 2 }, async ({ device, image, dir, keys }) => {
      const uuid = (await dumpLuksText(device)).uuid;
      await execa('blockdev', ['--flushbufs', device]);
      const copy = join(dir, 'luks-erase.img');
      copyFileSync(image, copy);
      await execa('cryptsetup', ['erase', '--batch-mode', copy]);
      // luksErase: keys are gone but the volume is still LUKS, with its UUID.
      expect(await cryptsetupExitCode(['isLuks', copy])).toBe(0);
      expect((await dumpLuksText(copy)).uuid).toBe(uuid);
      for (const key of keys)
        expect(await cryptsetupExitCode(['open', '--test-passphrase', '--key-file', key, copy])).not.toBe(0);

      await probeAndErase(device);
      await expectNoLuksLeft(device, keys);
      // Not even the UUID text survives anywhere in the metadata area.
      await execa('blockdev', ['--flushbufs', device]);
      expect(readAt(device, 0, 16 * MiB).includes(Buffer.from(uuid, 'latin1'))).toBe(false);
      expect(readAt(copy, 0, 16 * MiB).includes(Buffer.from(uuid, 'latin1'))).toBe(true);
    });
  });

  test('a non-LUKS device: probe says so naming it, erase refuses, nothing is written', async () => {
    await withLoopDevice(
      8,
      async ({ device }) => {
        plant(device, 0, randomBytes(8 * MiB));
        const before = await sha256Of(device, 0, 8 * MiB);
        const target = await openTarget(device, { access: 'write' });
        try {
          const ctx: EraseContext = { identity: testIdentity(device, target.sizeBytes, 'block'), target, leaseBuffer };
          const capability = await luksBackend.probe(ctx);
          expect(capability).toEqual({
            backend: 'luks',
            supported: false,
            techniques: [],
            reason: `no LUKS1 or LUKS2 header at offset 0 or at any LUKS2 secondary-header offset of ${device}`,
            facts: { magicFound: false },
          });
          const err = await rejection(luksBackend.erase(ctx, capability));
          expect(err).toMatchObject({ code: 'ERR_ERASE_UNSUPPORTED', target: device, step: 'crypto-erase (luks)' });
          expect(err.exitCode).toBe(6);
        } finally {
          await target.close();
        }
        expect(await sha256Of(device, 0, 8 * MiB)).toBe(before);
      },
      loopOptions,
    );
  });
});
