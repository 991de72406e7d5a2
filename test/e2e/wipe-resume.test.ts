// Interruptions and --resume through the built CLI on 1 GiB loop devices (issue 6): kill -9 at
// several points of a multi-pass wipe, SIGINT, and the refusals. No certificate before the resume, a
// valid one after, the device holds what the last pass wrote, and the audit log verifies.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { describeLoop } from '../helpers/gates.js';
import { withLoopDevice } from '../helpers/loop-device.js';
import { BIN, runCli } from '../helpers/run-cli.js';

const GiB = 1024 * 1024 * 1024;
let state: string;
beforeEach(() => {
  state = mkdtempSync(join(tmpdir(), 'cleanslate-e2e-resume-'));
});
afterEach(() => rmSync(state, { recursive: true, force: true }));

const certs = (): string[] => {
  try {
    return readdirSync(join(state, 'certs'));
  } catch {
    return [];
  }
};
const checkpoints = (): string[] => readdirSync(join(state, 'runs')).filter((f) => f.endsWith('.checkpoint.json'));

// Starts `wipe` with NDJSON progress and resolves once an event matches (the child keeps running).
function startWipe(args: string[]): {
  child: ResultPromise;
  seen: (match: (e: Record<string, unknown>) => boolean) => Promise<void>;
} {
  const child = execa(process.execPath, [BIN, 'wipe', ...args, '--yes', '--progress', 'ndjson', '--json'], {
    reject: false,
    env: { CLEANSLATE_HOME: state, NO_COLOR: '1' },
  });
  const events: Record<string, unknown>[] = [];
  const waiters: { match: (e: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  let buffered = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines.filter((l) => l.startsWith('{'))) {
      const event = JSON.parse(line) as Record<string, unknown>;
      events.push(event);
      for (const w of waiters.filter((x) => x.match(event))) w.resolve();
    }
  });
  return {
    child,
    seen: (match) =>
      new Promise<void>((resolve, reject) => {
        if (events.some(match)) return resolve();
        waiters.push({ match, resolve });
        void child.then(() => reject(new Error('the wipe ended before the awaited event')));
      }),
  };
}

// Resumes, then checks the certificate, the device content (scan against the kept seed) and the audit log.
async function resumeAndCheck(device: string, interruptions: string[]): Promise<void> {
  const r = await runCli(['wipe', device, '--resume', '--yes', '--json', '--keep-seed'], { stateDir: state });
  expect(r.exitCode, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report.result).toBe('PASS');
  expect(report.method.id).toBe('dod-3');
  expect(report.passes.map((p: { bytes: number }) => p.bytes)).toEqual([GiB, GiB, GiB]);
  expect(report.resumed.interruptions.map((i: { reason: string }) => i.reason)).toEqual(interruptions);
  const cert = report.certificate.path as string;
  const pub = join(state, 'keys', 'cleanslate-signing.pub');
  expect((await runCli(['cert', 'verify', cert, '--pubkey', pub], { stateDir: state })).exitCode).toBe(0);
  const predicate = JSON.parse(
    Buffer.from(JSON.parse(readFileSync(cert, 'utf8')).payload, 'base64').toString(),
  ).predicate;
  expect(predicate.sanitization.interruptions.map((i: { reason: string }) => i.reason)).toEqual(interruptions);
  // the device holds exactly what dod-3's last pass (the keystream of this seed) wrote
  const scan = await runCli(['scan', device, '--expect', `random:${report.seedFile}`, '--json'], { stateDir: state });
  expect(scan.exitCode, scan.stderr).toBe(0);
  expect((await runCli(['audit', 'verify'], { stateDir: state })).exitCode).toBe(0);
  const audit = (await runCli(['audit', 'show', '--json'], { stateDir: state })).stdout;
  expect(audit).toContain('wipe.resumed');
  expect(checkpoints()).toEqual([]);
}

type Point = [string, (e: Record<string, unknown>) => boolean];
const points: Point[] = [
  ['pass 1', (e) => e.type === 'pass.progress' && e.pass === 1 && (e.bytes as number) > 0],
  ['pass 2', (e) => e.type === 'pass.progress' && e.pass === 2],
  ['pass 3', (e) => e.type === 'pass.progress' && e.pass === 3],
  ['the final scan', (e) => e.type === 'scan.progress'],
];

describeLoop('wipe --resume after kill -9', () => {
  test.for(points)('killed during %s: no certificate, then --resume certifies', async ([, match]) => {
    await withLoopDevice(
      1024,
      async ({ device }) => {
        const run = startWipe([device, '--method', 'dod-3']);
        await run.seen(match);
        run.child.kill('SIGKILL');
        const done = await run.child;
        expect(done.signal).toBe('SIGKILL');
        expect(certs()).toEqual([]);
        expect(checkpoints()).toHaveLength(1);
        await resumeAndCheck(device, ['crash']);
        expect(certs()).toHaveLength(1);
      },
      { tmpdir: '/dev/shm' },
    );
  });

  test('killed twice (pass 1, then pass 3 of the resumed run): both interruptions recorded', async () => {
    await withLoopDevice(
      1024,
      async ({ device }) => {
        const first = startWipe([device, '--method', 'dod-3']);
        await first.seen(points[0]![1]);
        first.child.kill('SIGKILL');
        await first.child;
        const second = startWipe([device, '--resume']);
        await second.seen(points[2]![1]);
        second.child.kill('SIGKILL');
        await second.child;
        expect(certs()).toEqual([]);
        await resumeAndCheck(device, ['crash', 'crash']);
      },
      { tmpdir: '/dev/shm' },
    );
  });
});

describeLoop('wipe: SIGINT and resume refusals', () => {
  test('SIGINT: exit 130 at a chunk boundary, wipe.aborted audited, checkpoint kept; --resume certifies', async () => {
    await withLoopDevice(
      1024,
      async ({ device }) => {
        const run = startWipe([device, '--method', 'dod-3']);
        await run.seen(points[1]![1]);
        run.child.kill('SIGINT');
        const done = await run.child;
        expect(done.exitCode).toBe(130);
        expect(String(done.stderr)).toMatch(/interrupted/);
        expect(certs()).toEqual([]);
        const checkpoint = JSON.parse(readFileSync(join(state, 'runs', checkpoints()[0]!), 'utf8'));
        expect(checkpoint).toMatchObject({ running: false, pass: 2, interruptions: [{ reason: 'SIGINT', pass: 2 }] });
        expect((await runCli(['audit', 'show', '--json'], { stateDir: state })).stdout).toContain('wipe.aborted');
        await resumeAndCheck(device, ['SIGINT']);
      },
      { tmpdir: '/dev/shm' },
    );
  });

  test('refused with exit 2, nothing written: no checkpoint, another method, another size', async () => {
    await withLoopDevice(
      512,
      async ({ device, image }) => {
        const none = await runCli(['wipe', device, '--resume', '--yes'], { stateDir: state });
        expect(none.exitCode).toBe(2);
        expect(none.stderr).toMatch(/no interrupted wipe of this device to resume/);

        const run = startWipe([device, '--method', 'dod-3']);
        await run.seen(points[1]![1]);
        run.child.kill('SIGKILL');
        await run.child;
        const other = await runCli(['wipe', device, '--resume', '--method', 'zero', '--yes'], { stateDir: state });
        expect(other.exitCode).toBe(2);
        expect(other.stderr).toMatch(/used --method dod-3, not zero/);

        // the same loop device, grown: another device for the checkpoint
        truncateSync(image, 640 * 1024 * 1024);
        await execa('losetup', ['-c', device]);
        const grown = await runCli(['wipe', device, '--resume', '--yes'], { stateDir: state });
        expect(grown.exitCode).toBe(2);
        expect(grown.stderr).toMatch(
          /was of device sha256:[0-9a-f]+, 536870912 bytes; this is device sha256:[0-9a-f]+, 671088640 bytes/,
        );
        expect(certs()).toEqual([]);
      },
      { tmpdir: '/dev/shm' },
    );
  });
});
