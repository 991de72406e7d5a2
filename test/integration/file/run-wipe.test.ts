// runWipe on real image files with one step swapped through deps, to reach the failure paths a
// user cannot trigger on purpose: a block that reads back wrong, a target swapped under a symlink.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { defaultWipeDeps, runWipe, type WipeRequest } from '../../../src/core/index.js';
import { CleanslateError } from '../../../src/errors/index.js';

tmp.setGracefulCleanup();

let dir: tmp.DirResult;
let image: string;
const size = 4 * 1024 * 1024 + 8192;

beforeEach(async () => {
  dir = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-core-' });
  image = join(dir.name, 'disk.img');
  await writeFile(image, randomBytes(size));
});
afterEach(() => dir.removeCallback());

const request = (over: Partial<WipeRequest> = {}): WipeRequest => ({
  target: image,
  methodId: 'zero',
  confirmation: { yes: true, interactive: false },
  ...over,
});

describe('runWipe', () => {
  test('a block that reads back wrong fails the run with its offset (exit 1 class)', async () => {
    const deps = defaultWipeDeps(join(dir.name, 'state'));
    const corruptAt = 1_234_567;
    const realWrite = deps.writePass;
    deps.writePass = async (target, pattern, options) => {
      const result = await realWrite(target, pattern, options);
      const fh = await open(image, 'r+');
      await fh.write(Buffer.from([0x42]), 0, 1, corruptAt);
      await fh.close();
      return result;
    };
    const report = await runWipe(request(), deps);
    expect(report.result).toBe('FAIL');
    expect(report.verification.mismatches).toBe(1);
    expect(report.verification.firstMismatchOffset).toBe(corruptAt - (corruptAt % 4096));
    expect(report.seedFile).not.toBeNull();
  });

  test('residue left after the last pass is found by the scan and fails the run, naming what it is', async () => {
    const deps = defaultWipeDeps(join(dir.name, 'state'));
    const { execa } = await import('execa');
    const pem = (await execa('openssl', ['genpkey', '-algorithm', 'ed25519'])).stdout;
    const plantAt = 2 * 1024 * 1024 + 7 * 512;
    const realWrite = deps.writePass;
    deps.writePass = async (target, pattern, options) => {
      const result = await realWrite(target, pattern, options);
      const fh = await open(image, 'r+');
      await fh.write(Buffer.from(`${pem}\n`), 0, undefined, plantAt);
      await fh.close();
      return result;
    };
    const report = await runWipe(request({ methodId: 'dod-3' }), deps);
    expect(report.result).toBe('FAIL');
    expect(report.scan).toMatchObject({ clean: false, residueBlocks: 1, counts: { 'pem-private-key': 1 } });
    expect(report.scan?.findings).toEqual([
      expect.objectContaining({ kind: 'pem-private-key', offset: plantAt, category: 'secret' }),
    ]);
    expect(JSON.stringify(report)).not.toContain('PRIVATE KEY');
    expect(report.verification).toMatchObject({ mismatches: 1, firstMismatchOffset: plantAt - (plantAt % 4096) });
  });

  test('a target swapped between resolution and open is refused, and neither file is written', async () => {
    const deps = defaultWipeDeps(join(dir.name, 'state'));
    const other = join(dir.name, 'other.img');
    await writeFile(other, randomBytes(size));
    const link = join(dir.name, 'link.img');
    await symlink(image, link);
    const before = { image: await readFile(image), other: await readFile(other) };
    const realResolve = deps.resolveTarget;
    deps.resolveTarget = async (path) => {
      const resolved = await realResolve(path);
      // an attacker replaces the resolved image with another file (same size) after the check
      await unlink(image);
      await rename(other, image);
      return resolved;
    };
    const error = await runWipe(request({ target: link }), deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanslateError);
    expect((error as CleanslateError).code).toBe('ERR_TARGET_CHANGED');
    expect((error as CleanslateError).exitCode).toBe(2);
    expect((await readFile(image)).equals(before.other)).toBe(true);
  });

  test('the resolved path replaced by a symlink is refused (O_NOFOLLOW)', async () => {
    const deps = defaultWipeDeps(join(dir.name, 'state'));
    const elsewhere = join(dir.name, 'elsewhere.img');
    await writeFile(elsewhere, randomBytes(size));
    const before = await readFile(elsewhere);
    const realResolve = deps.resolveTarget;
    deps.resolveTarget = async (path) => {
      const resolved = await realResolve(path);
      await unlink(image);
      await symlink(elsewhere, image);
      return resolved;
    };
    const error = await runWipe(request(), deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanslateError);
    expect((error as CleanslateError).exitCode).toBe(2);
    expect((await readFile(elsewhere)).equals(before)).toBe(true);
  });

  test('an abort stops the run with exit 130 class', async () => {
    const deps = defaultWipeDeps(join(dir.name, 'state'));
    const controller = new AbortController();
    const error = await runWipe(
      request({
        methodId: 'vsitr',
        signal: controller.signal,
        onProgress: (e) => {
          if (e.type === 'pass.completed' && e.pass === 2) controller.abort();
        },
      }),
      deps,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanslateError);
    expect((error as CleanslateError).exitCode).toBe(130);
  });
});
