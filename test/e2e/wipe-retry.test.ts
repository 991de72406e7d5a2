// --on-error retry:N on real write faults (issue 6): a loop device over a sparse image on a small
// tmpfs fails its writes once the tmpfs is full. Freed space makes a retry succeed (a transient
// fault: the wipe passes and reports its retries); space that never comes back leaves bad blocks
// that are isolated, named, and fail the run with exit 4 and no certificate.
import { execa } from 'execa';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { describeLoop } from '../helpers/gates.js';
import { detachLoop } from '../helpers/loop-device.js';
import { BIN, runCli } from '../helpers/run-cli.js';

const MiB = 1024 * 1024;
let state: string;
let mount: string;
beforeEach(() => {
  state = mkdtempSync(join(tmpdir(), 'cleanslate-e2e-retry-'));
  mount = mkdtempSync(join(tmpdir(), 'cleanslate-e2e-retry-tmpfs-'));
});
afterEach(() => {
  rmSync(state, { recursive: true, force: true });
  rmSync(mount, { recursive: true, force: true });
});

// A 24 MiB tmpfs holding a sparse image of imageMiB and a filler of fillerMiB, with a loop device on the image.
async function withFullTmpfs<T>(
  imageMiB: number,
  fillerMiB: number,
  fn: (device: string, filler: string) => Promise<T>,
): Promise<T> {
  await execa('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mount]);
  let device: string | undefined;
  try {
    const filler = join(mount, 'filler');
    if (fillerMiB > 0) writeFileSync(filler, Buffer.alloc(fillerMiB * MiB, 1));
    const image = join(mount, 'disk.img');
    await execa('truncate', ['-s', `${imageMiB}M`, image]);
    device = (await execa('losetup', ['--show', '--find', image])).stdout.trim();
    return await fn(device, filler);
  } finally {
    if (device) await detachLoop(device);
    await execa('umount', [mount]);
  }
}

describeLoop('wipe --on-error retry:N on a full tmpfs', () => {
  test('space freed after the first failure: the retry succeeds, the wipe passes and is certified', async () => {
    await withFullTmpfs(20, 8, async (device, filler) => {
      const child = execa(
        process.execPath,
        [BIN, 'wipe', device, '--method', 'zero', '--yes', '--json', '--progress', 'ndjson', '--on-error', 'retry:5'],
        { reject: false, env: { CLEANSLATE_HOME: state } },
      );
      let freed = false;
      child.stderr!.on('data', (chunk: Buffer) => {
        if (!freed && chunk.toString().includes('"type":"io.retry"')) {
          freed = true;
          rmSync(filler);
        }
      });
      const done = await child;
      expect(freed).toBe(true);
      expect(done.exitCode, String(done.stderr)).toBe(0);
      expect(JSON.parse(String(done.stdout)).result).toBe('PASS');
      const retries = String(done.stderr)
        .split('\n')
        .filter((l) => l.includes('"type":"io.retry"'))
        .map((l) => JSON.parse(l));
      expect(retries[0]).toMatchObject({ target: device, pass: 1, attempt: 1 });
      expect(retries[0].offset).toBeGreaterThan(8 * MiB);
      expect(readdirSync(join(state, 'certs'))).toHaveLength(1);
    });
  });

  test('space that never comes back: bad blocks isolated and named, exit 4, no certificate', async () => {
    await withFullTmpfs(26, 0, async (device) => {
      const r = await runCli(['wipe', device, '--method', 'zero', '--yes', '--json', '--on-error', 'retry:1'], {
        stateDir: state,
      });
      expect(r.exitCode).toBe(4);
      const error = JSON.parse(r.stdout).error;
      expect(error).toMatchObject({ code: 'ERR_IO', step: 'pass 1/1 (0x00)' });
      expect(error.message).toMatch(/block\(s\) of 4096 bytes could not be written after 1 retries/);
      expect(error.badRanges.length).toBeGreaterThan(0);
      expect(error.offset).toBe(error.badRanges[0].offset);
      expect(error.offset).toBeGreaterThan(16 * MiB);
      expect(r.stderr).toContain(device);
      expect(r.stderr).toMatch(/offset \d+ \(0x[0-9a-f]+\)/);
      expect(() => readdirSync(join(state, 'certs'))).toThrow();
      const audit = JSON.parse((await runCli(['audit', 'show', '--json'], { stateDir: state })).stdout);
      expect(JSON.stringify(audit)).toContain('wipe.failed');
      expect((await runCli(['audit', 'verify'], { stateDir: state })).exitCode).toBe(0);
    });
  });

  test('--on-error with a bad policy is a usage error', async () => {
    const r = await runCli(['wipe', '/dev/null', '--on-error', 'retry:0', '--yes'], { stateDir: state });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/expected stop or retry:N/);
  });
});
