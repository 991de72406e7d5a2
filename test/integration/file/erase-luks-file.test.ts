// The luks crypto-erase backend on LUKS image FILES (no root): progress, refusals before any
// write, interruption, a header that changed since the probe, a device that drops writes, and a
// target shorter than the metadata its header describes.
import { createHash } from 'node:crypto';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { EraseCapability, EraseContext } from '../../../src/erase/backend.js';
import { luksBackend } from '../../../src/erase/luks.js';
import { openTarget } from '../../../src/io/index.js';
import type { Target } from '../../../src/types.js';
import { rejection } from '../../helpers/io-expect.js';
import {
  cryptsetupExitCode,
  formatLuks,
  leaseBuffer,
  hasCryptsetup,
  testIdentity,
  type LuksFormatOptions,
} from '../../helpers/luks.js';

const MiB = 1024 * 1024;
const ready = await hasCryptsetup();

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

// A target that counts writes and can drop them (a device that acknowledges but does not store).
function spyTarget(inner: Target, options: { dropWrites?: boolean } = {}): Target & { writes: number } {
  const spy = {
    writes: 0,
    path: inner.path,
    kind: inner.kind,
    sizeBytes: inner.sizeBytes,
    direct: inner.direct,
    alignment: inner.alignment,
    writable: inner.writable,
    statKey: inner.statKey,
    read: (buf: Uint8Array, offset: number) => inner.read(buf, offset),
    write: async (buf: Uint8Array, offset: number) => {
      spy.writes += 1;
      return options.dropWrites ? buf.length : inner.write(buf, offset);
    },
    sync: () => inner.sync(),
    close: () => inner.close(),
  };
  return spy;
}

describe.runIf(ready)('luks backend on image files', () => {
  let dir: tmp.DirResult;
  beforeEach(() => {
    dir = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-luks-file-' });
  });
  afterEach(() => dir.removeCallback());

  // A LUKS image of sizeMiB in the temp dir, formatted by cryptsetup.
  async function makeImage(options: LuksFormatOptions, sizeMiB = 20): Promise<{ path: string; keys: string[] }> {
    const path = join(dir.name, 'volume.img');
    writeFileSync(path, '');
    truncateSync(path, sizeMiB * MiB);
    return { path, keys: await formatLuks(path, dir.name, options) };
  }

  // Opens the image for writing and runs fn with an erase context over it; always closes.
  async function withContext<T>(
    path: string,
    fn: (ctx: EraseContext) => Promise<T>,
    access: 'read' | 'write' = 'write',
  ): Promise<T> {
    const target = await openTarget(path, { access });
    try {
      return await fn({ identity: testIdentity(path, target.sizeBytes), target, leaseBuffer });
    } finally {
      await target.close();
    }
  }

  test('probe never writes; erase reports rising progress to 100 and cryptsetup no longer sees LUKS', async () => {
    const { path, keys } = await makeImage({ type: 'luks2', keyslots: 2 });
    const percents: number[] = [];
    const outcome = await withContext(path, async (ctx) => {
      const spy = spyTarget(ctx.target);
      const capability = await luksBackend.probe({ ...ctx, target: spy });
      expect(spy.writes).toBe(0);
      return luksBackend.erase({ ...ctx, onProgress: (p) => percents.push(p.percent) }, capability);
    });
    expect(percents.length).toBeGreaterThan(3);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    expect(percents.at(-1)).toBe(100);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(outcome.endedAt)).toBeGreaterThanOrEqual(Date.parse(outcome.startedAt));
    expect(await cryptsetupExitCode(['isLuks', path])).not.toBe(0);
    expect(await cryptsetupExitCode(['open', '--test-passphrase', '--key-file', keys[0]!, path])).not.toBe(0);
  });

  test.for([
    ['a capability of another backend', { backend: 'nvme' }, undefined],
    ['an unsupported capability', { supported: false, techniques: [] }, undefined],
    ['a technique luks does not offer', {}, 'block-erase'],
  ] as const)('%s is refused with ERR_ERASE_UNSUPPORTED before any write', async ([, change, technique]) => {
    const { path } = await makeImage({ type: 'luks1' });
    const before = sha256File(path);
    await withContext(path, async (ctx) => {
      const capability = { ...(await luksBackend.probe(ctx)), ...change } as EraseCapability;
      const err = await rejection(luksBackend.erase(ctx, capability, technique));
      expect(err).toMatchObject({
        code: 'ERR_ERASE_UNSUPPORTED',
        target: path,
        step: 'crypto-erase (luks)',
        offset: 0,
      });
      expect(err.exitCode).toBe(6);
    });
    expect(sha256File(path)).toBe(before);
  });

  test('a target opened read-only is refused before any write', async () => {
    const { path } = await makeImage({ type: 'luks2' });
    const before = sha256File(path);
    await withContext(
      path,
      async (ctx) => {
        const err = await rejection(luksBackend.erase(ctx, await luksBackend.probe(ctx)));
        expect(err.code).toBe('ERR_ERASE_UNSUPPORTED');
        expect(err.message).toContain('read-only');
      },
      'read',
    );
    expect(sha256File(path)).toBe(before);
  });

  test('a header replaced since the probe (new UUID) is refused before any write', async () => {
    const { path } = await makeImage({ type: 'luks2' });
    await withContext(path, async (ctx) => {
      const capability = await luksBackend.probe(ctx);
      await formatLuks(path, dir.name, { type: 'luks2' }); // someone reformatted it
      const err = await rejection(luksBackend.erase(ctx, capability));
      expect(err.code).toBe('ERR_ERASE_UNSUPPORTED');
      expect(err.message).toContain('changed since the probe');
    });
  });

  test('an aborted signal: before the erase nothing is written; during it, ERR_INTERRUPTED says the header is partly gone', async () => {
    const { path } = await makeImage({ type: 'luks2', keyslots: 2 });
    const before = sha256File(path);
    await withContext(path, async (ctx) => {
      const capability = await luksBackend.probe(ctx);
      const early = new AbortController();
      early.abort(new Error('SIGINT'));
      const err = await rejection(luksBackend.erase({ ...ctx, signal: early.signal }, capability));
      expect(err).toMatchObject({ code: 'ERR_INTERRUPTED', step: 'crypto-erase (luks)' });
      expect(err.message).toContain('nothing was written');
    });
    expect(sha256File(path)).toBe(before);
    await withContext(path, async (ctx) => {
      const capability = await luksBackend.probe(ctx);
      const late = new AbortController();
      const onProgress = (p: { message: string }): void => {
        if (p.message.startsWith('overwrote')) late.abort(new Error('SIGINT'));
      };
      const err = await rejection(luksBackend.erase({ ...ctx, signal: late.signal, onProgress }, capability));
      expect(err.code).toBe('ERR_INTERRUPTED');
      expect(err.exitCode).toBe(130);
      expect(err.message).toMatch(/1 of \d+ regions were overwritten, so the LUKS metadata is partly destroyed/);
      expect(err.offset).toBe(16384); // stopped before the secondary header
    });
  });

  test('a device that acknowledges writes but keeps the old bytes fails the read-back with ERR_ERASE_FAILED', async () => {
    const { path } = await makeImage({ type: 'luks1', keyslots: 2 });
    await withContext(path, async (ctx) => {
      const target = spyTarget(ctx.target, { dropWrites: true });
      const capability = await luksBackend.probe({ ...ctx, target });
      const err = await rejection(luksBackend.erase({ ...ctx, target }, capability));
      expect(err).toMatchObject({ code: 'ERR_ERASE_FAILED', target: path, step: 'crypto-erase (luks)', offset: 0 });
      expect(err.message).toContain('LUKS1 phdr still holds its old content');
      expect(err.exitCode).toBe(4);
    });
  });

  test('a target shorter than its metadata (a cut image): regions stop at its end, tail not a multiple of 4096', async () => {
    const { path } = await makeImage({ type: 'luks2', keyslots: 1 });
    truncateSync(path, MiB + 512);
    const outcome = await withContext(path, async (ctx) => {
      const capability = await luksBackend.probe(ctx);
      expect(capability.supported).toBe(true);
      return luksBackend.erase(ctx, capability);
    });
    const last = outcome.regions.at(-1)!;
    expect(last.offset + last.length).toBe(MiB + 512);
    expect(await cryptsetupExitCode(['isLuks', path])).not.toBe(0);
  });
});
