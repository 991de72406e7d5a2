// Real I/O faults (issue 6), not mocks: a loop device over a sparse image on a tmpfs smaller than the
// image, so writes fail mid-device once the tmpfs is full; and a loop device whose backing file is
// truncated under a running scan, so reads fail. Through the built CLI: exit 4, the offset and the step
// in the message and the JSON error, no certificate, a wipe.failed audit entry, and an intact log.
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { fillFilesystem, runCliStoppingAt, withTmpfs } from '../../helpers/faults.js';
import { describeLoop } from '../../helpers/gates.js';
import { detachLoop } from '../../helpers/loop-device.js';
import { runCli } from '../../helpers/run-cli.js';

tmp.setGracefulCleanup();

const MiB = 1024 * 1024;

let work: tmp.DirResult;
let state: string;
let certDir: string;
beforeEach(() => {
  work = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-faults-' });
  state = join(work.name, 'state');
  certDir = join(work.name, 'certs');
});
afterEach(() => work.removeCallback());

// An image attached as a loop device for fn; always detached.
async function withLoopOver<T>(image: string, fn: (device: string) => Promise<T>): Promise<T> {
  const device = (await execa('losetup', ['--show', '--find', image])).stdout.trim();
  try {
    return await fn(device);
  } finally {
    await detachLoop(device);
  }
}

interface ErrorJson {
  code: string;
  exitCode: number;
  message: string;
  target: string;
  step: string;
  offset: number;
}

// The audit trail after a failed wipe: wipe.failed with the offset and step; the chain verifies.
async function expectAuditedFailure(device: string, error: ErrorJson): Promise<void> {
  const show = await runCli(['audit', 'show', '--json'], { stateDir: state });
  expect(show.exitCode, show.stderr).toBe(0);
  const entries = (JSON.parse(show.stdout) as { entries: { type: string; target: string | null; details: unknown }[] })
    .entries;
  const failed = entries.filter((e) => e.type === 'wipe.failed');
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatchObject({
    target: device,
    details: { code: 'ERR_IO', exitCode: 4, offset: error.offset, step: error.step },
  });
  expect(entries.map((e) => e.type)).not.toContain('cert.issued');
  expect(entries.map((e) => e.type)).not.toContain('wipe.completed');
  const verify = await runCli(['audit', 'verify', '--json'], { stateDir: state });
  expect(verify.exitCode, verify.stderr).toBe(0);
  expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, entries: entries.length });
}

// No certificate anywhere: neither in --cert-dir nor in the state directory.
function expectNoCertificate(): void {
  expect(existsSync(certDir) ? readdirSync(certDir) : []).toEqual([]);
  const stateCerts = join(state, 'certs');
  expect(existsSync(stateCerts) ? readdirSync(stateCerts) : []).toEqual([]);
}

describeLoop('real I/O faults on a loop device over a tmpfs smaller than its image', () => {
  test('wipe --method zero: ENOSPC mid-device → exit 4, offset and pass in message and JSON, no certificate, wipe.failed', async () => {
    await withTmpfs(24, async (mnt) => {
      const image = join(mnt, 'sparse.img');
      writeFileSync(image, '');
      truncateSync(image, 64 * MiB);
      await withLoopOver(image, async (device) => {
        const t0 = Date.now();
        const r = await runCli(['wipe', device, '--method', 'zero', '--yes', '--json', '--cert-dir', certDir], {
          stateDir: state,
        });
        const ms = Date.now() - t0;
        expect(r.exitCode, r.stderr).toBe(4);
        const doc = JSON.parse(r.stdout) as { target: { path: string }; error: ErrorJson };
        expect(doc.target.path).toBe(device);
        const { error } = doc;
        expect(error).toMatchObject({ code: 'ERR_IO', exitCode: 4, target: device, step: 'pass 1/1 (0x00)' });
        // The tmpfs holds 24 MiB, so some write at or below 24 MiB fails (with writes in flight, which
        // one fails depends on the order their pages were allocated). The offset reported must be the
        // lowest failing one, the first byte not written: every byte below it is on the device.
        expect(error.offset).toBeGreaterThan(16 * MiB);
        expect(error.offset, 'the lowest failing offset, not the first failure seen').toBeLessThanOrEqual(24 * MiB);
        expect(error.message).toMatch(/ENOSPC|EIO/);
        expect(r.stderr).toContain(
          `cleanslate: ${device}: pass 1/1 (0x00): offset ${error.offset} (0x${error.offset.toString(16)}): write failed:`,
        );
        expectNoCertificate();
        await expectAuditedFailure(device, error);
        console.info(`faults: zero wipe of a 64 MiB loop on a 24 MiB tmpfs failed at ${error.offset} after ${ms} ms`);
      });
    });
  });

  test('wipe --method dod-3: the backing store fills up during pass 2 → exit 4 names pass 2/3 and the offset', async () => {
    await withTmpfs(136, async (mnt) => {
      const image = join(mnt, 'sparse.img');
      writeFileSync(image, '');
      truncateSync(image, 128 * MiB);
      await withLoopOver(image, async (device) => {
        // pass 1 allocates the whole image; when it has completed, the CLI is stopped, the image's
        // last 96 MiB are given back to the tmpfs and taken by a filler file: pass 2 meets ENOSPC there
        const r = await runCliStoppingAt(
          ['wipe', device, '--method', 'dod-3', '--yes', '--json', '--cert-dir', certDir],
          {
            env: { CLEANSLATE_HOME: state },
            stopAt: (e) => e.type === 'pass.completed' && e.pass === 1,
            whileStopped: async () => {
              truncateSync(image, 32 * MiB);
              await fillFilesystem(mnt, join(mnt, 'filler'));
            },
          },
        );
        expect(r.stopped, 'the CLI was stopped after pass 1').not.toBeNull();
        expect(r.exitCode, r.stderr).toBe(4);
        const { error } = JSON.parse(r.stdout) as { error: ErrorJson };
        expect(error).toMatchObject({ code: 'ERR_IO', exitCode: 4, target: device });
        expect(error.step).toMatch(/^pass 2\/3 \(complement 0x[0-9a-f]{2}\)$/);
        // the first write past what is left of the image (32 MiB) fails, unless pass 2 was already
        // further when the CLI stopped: then at the first write after it continued
        expect(error.offset).toBeGreaterThanOrEqual(32 * MiB);
        expect(error.offset).toBeLessThan(128 * MiB);
        expect(r.stderr).toContain(`cleanslate: ${device}: ${error.step}: offset ${error.offset} (0x`);
        const types = r.events.map((e) => e.type);
        expect(types.filter((t) => t === 'pass.completed')).toHaveLength(1);
        expect(r.events.at(-1)).toMatchObject({ type: 'failed', code: 'ERR_IO' });
        expectNoCertificate();
        await expectAuditedFailure(device, error);
        console.info(
          `faults: dod-3 wipe of a 128 MiB loop failed in ${error.step} at ${error.offset} after ${r.ms} ms`,
        );
      });
    });
  });

  test('scan: the backing file is truncated under a running scan → EIO, exit 4, offset in message and JSON', async () => {
    await withTmpfs(80, async (mnt) => {
      const image = join(mnt, 'full.img');
      await execa('dd', ['if=/dev/urandom', `of=${image}`, 'bs=1M', 'count=64', 'status=none']);
      await withLoopOver(image, async (device) => {
        const r = await runCliStoppingAt(['scan', device, '--expect', 'none', '--json'], {
          env: { CLEANSLATE_HOME: state },
          stopAt: (e) => e.type === 'scan.started',
          whileStopped: async () => truncateSync(image, 16 * MiB),
        });
        expect(r.stopped).not.toBeNull();
        expect(r.exitCode, r.stderr).toBe(4);
        const doc = JSON.parse(r.stdout) as { target: { path: string }; error: ErrorJson };
        expect(doc.target.path).toBe(device);
        expect(doc.error).toMatchObject({ code: 'ERR_IO', exitCode: 4, target: device, step: 'scan' });
        expect(doc.error.offset).toBeGreaterThanOrEqual(16 * MiB);
        expect(doc.error.offset).toBeLessThan(64 * MiB);
        expect(doc.error.message).toMatch(/read failed: EIO/);
        expect(r.stderr).toContain(`cleanslate: ${device}: scan: offset ${doc.error.offset} (0x`);
        // a failed scan records no scan.completed (and creates no audit log of its own)
        const log = join(state, 'audit.log');
        expect(existsSync(log) ? readFileSync(log, 'utf8') : '').not.toContain('scan.completed');
        console.info(
          `faults: scan of a 64 MiB loop truncated to 16 MiB failed at ${doc.error.offset} after ${r.ms} ms`,
        );
      });
    });
  });
});
