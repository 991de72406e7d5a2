// wipe --parallel N on several loop devices at once through the built CLI (root + CLEANSLATE_TEST_LOOP=1):
// every target its own report, audit entries and certificate; one chain in the audit log; NDJSON
// progress whole lines tagged by target; a bad target does not stop the others.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { describeLoop } from '../helpers/gates.js';
import { withLoopDevices, type LoopDevice } from '../helpers/loop-device.js';
import { BIN, runCli, sha256Of } from '../helpers/run-cli.js';

const MiB = 1024 * 1024;
const SIZE_MIB = 24;

let state: string;
beforeEach(() => {
  state = mkdtempSync(join(tmpdir(), 'cleanslate-e2e-parallel-'));
});
afterEach(() => rmSync(state, { recursive: true, force: true }));

interface Report {
  target: { path: string };
  result?: string;
  certificate?: { path: string; audit: { seq: number } } | null;
  error?: { code: string; exitCode: number; message: string };
}

interface AuditLine {
  seq: number;
  type: string;
  target: string | null;
}

// An image in /dev/shm filled with 0xEE (so a zero pass shows on every byte), or left sparse.
const shmLoop = ({ readOnly = false, sizeMiB = SIZE_MIB, sparse = false } = {}) => ({
  sizeMiB,
  options: {
    tmpdir: '/dev/shm',
    readOnly,
    ...(sparse
      ? {}
      : { prepareImage: async (image: string) => writeFileSync(image, Buffer.alloc(sizeMiB * MiB, 0xee)) }),
  },
});

const auditLines = (): AuditLine[] =>
  readFileSync(join(state, 'audit.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditLine);

// Each certificate verifies with the host key, and the audit log verifies as a whole.
async function expectCertifiedAndLogIntact(reports: Report[]): Promise<void> {
  for (const report of reports) {
    const cert = await runCli(['cert', 'verify', report.certificate!.path, '--json'], { stateDir: state });
    expect(cert.exitCode, `${report.target.path}: ${cert.stderr}`).toBe(0);
    expect(JSON.parse(cert.stdout)).toMatchObject({ valid: true, result: 'PASS' });
  }
  const audit = await runCli(['audit', 'verify', '--json'], { stateDir: state });
  expect(audit.exitCode, audit.stderr).toBe(0);
}

// Every target's wipe.started, wipe.completed and cert.issued exactly once; seq strictly increasing.
function expectAuditedOnce(devices: string[]): AuditLine[] {
  const lines = auditLines();
  const seqs = lines.map((l) => l.seq);
  for (let i = 1; i < seqs.length; i += 1) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
  for (const device of devices) {
    for (const type of ['wipe.started', 'wipe.completed', 'cert.issued']) {
      expect(
        lines.filter((l) => l.target === device && l.type === type),
        `${type} of ${device}`,
      ).toHaveLength(1);
    }
  }
  return lines;
}

const isAllBytes = (path: string, byte: number) => readFileSync(path).every((b) => b === byte);

describeLoop('wipe --parallel on loop devices', () => {
  test('8 devices with --parallel 8: all PASS, 8 valid certificates, one intact audit chain, NDJSON per target', async () => {
    await withLoopDevices(
      Array.from({ length: 8 }, () => shmLoop()),
      async (loops: LoopDevice[]) => {
        const devices = loops.map((l) => l.device);
        const r = await runCli(
          ['wipe', ...devices, '--method', 'zero', '--parallel', '8', '--yes', '--json', '--progress', 'ndjson'],
          { stateDir: state },
        );
        expect(r.exitCode, r.stderr).toBe(0);
        const doc = JSON.parse(r.stdout) as { reports: Report[]; exitCode: number };
        expect(doc.exitCode).toBe(0);
        // reports in the order the targets were given
        expect(doc.reports.map((x) => x.target.path)).toEqual(devices);
        expect(doc.reports.map((x) => x.result)).toEqual(devices.map(() => 'PASS'));
        const certs = doc.reports.map((x) => x.certificate!.path);
        expect(new Set(certs).size).toBe(8);
        for (const device of devices) expect(isAllBytes(device, 0)).toBe(true);

        await expectCertifiedAndLogIntact(doc.reports);
        const lines = expectAuditedOnce(devices);
        // each certificate's audit anchor is an entry of its own target, not a neighbour's
        for (const report of doc.reports) {
          const anchored = lines.find((l) => l.seq === report.certificate!.audit.seq);
          expect(anchored?.target).toBe(report.target.path);
        }

        // NDJSON: every stderr line is one whole JSON event, and the events name all 8 targets
        const events = r.stderr
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { type: string; target: string });
        const targets = new Set(events.map((e) => e.target));
        for (const device of devices) expect(targets).toContain(device);
        for (const device of devices) {
          expect(events.filter((e) => e.target === device && e.type === 'started')).toHaveLength(1);
          expect(events.filter((e) => e.target === device && e.type === 'completed')).toHaveLength(1);
        }
        // they really ran at once: more than one target had started before the first one completed
        const firstDone = events.findIndex((e) => e.type === 'completed');
        expect(events.slice(0, firstDone).filter((e) => e.type === 'started').length).toBeGreaterThan(1);
      },
    );
  });

  test('a bad path and a read-only device among good ones: the worst exit code (3), the good ones certified', async () => {
    await withLoopDevices(
      [shmLoop(), shmLoop({ readOnly: true }), shmLoop(), shmLoop()],
      async ([good1, readOnly, good2, good3]) => {
        const missing = join(state, 'no-such-disk.img');
        const targets = [good1!.device, missing, readOnly!.device, good2!.device, good3!.device];
        const before = await sha256Of(readOnly!.device);
        const r = await runCli(['wipe', ...targets, '--method', 'zero', '--parallel', '3', '--yes', '--json'], {
          stateDir: state,
        });
        expect(r.exitCode, r.stderr).toBe(3);
        const doc = JSON.parse(r.stdout) as { reports: Report[]; exitCode: number };
        expect(doc.exitCode).toBe(3);
        expect(doc.reports.map((x) => x.target.path)).toEqual(targets);
        const [first, bad, refused, second, third] = doc.reports;
        expect(bad!.error).toMatchObject({ code: 'ERR_TARGET_NOT_FOUND', exitCode: 2 });
        expect(refused!.error).toMatchObject({ code: 'ERR_GUARD_READ_ONLY', exitCode: 3 });
        expect(r.stderr).toContain(missing);
        expect(r.stderr).toMatch(/read-only/);
        expect(await sha256Of(readOnly!.device)).toBe(before);
        const good = [first!, second!, third!];
        expect(good.map((x) => x.result)).toEqual(['PASS', 'PASS', 'PASS']);
        for (const loop of [good1!, good2!, good3!]) expect(isAllBytes(loop.device, 0)).toBe(true);
        await expectCertifiedAndLogIntact(good);
        const lines = expectAuditedOnce([good1!.device, good2!.device, good3!.device]);
        // the refusal is recorded, and no certificate names the read-only device
        expect(lines.filter((l) => l.target === readOnly!.device).map((l) => l.type)).toEqual(['wipe.failed']);
      },
    );
  });

  test('SIGINT stops every run: the running ones are aborted, the queued ones never start (exit 130)', async () => {
    const big = shmLoop({ sizeMiB: 256, sparse: true });
    await withLoopDevices([big, big, big, big], async (loops) => {
      const devices = loops.map((l) => l.device);
      const child = execa(
        process.execPath,
        [BIN, 'wipe', ...devices, '--method', 'dod-3', '--parallel', '2', '--yes', '--json', '--progress', 'ndjson'],
        { reject: false, stdin: 'ignore', env: { CLEANSLATE_HOME: state, NO_COLOR: '1' } },
      );
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        const first = stderr === '' || !stderr.includes('"pass.progress"');
        stderr += chunk.toString('utf8');
        // the first progress event: two runs are writing, two wait for a slot
        if (first && stderr.includes('"pass.progress"')) child.kill('SIGINT');
      });
      const result = await child;
      expect(result.exitCode, stderr).toBe(130);
      const doc = JSON.parse(String(result.stdout)) as { reports: Report[]; exitCode: number };
      expect(doc.exitCode).toBe(130);
      expect(doc.reports.map((r) => r.error?.code)).toEqual(devices.map(() => 'ERR_INTERRUPTED'));
      expect(doc.reports[2]!.error!.message).toMatch(/before it started/);
      expect(doc.reports[3]!.error!.message).toMatch(/before it started/);
      const lines = auditLines();
      expect(lines.filter((l) => l.type === 'cert.issued')).toHaveLength(0);
      expect(
        lines
          .filter((l) => l.type === 'wipe.aborted')
          .map((l) => l.target)
          .sort(),
      ).toEqual(devices.slice(0, 2).sort());
      expect(lines.some((l) => l.target === devices[2] || l.target === devices[3])).toBe(false);
      const audit = await runCli(['audit', 'verify'], { stateDir: state });
      expect(audit.exitCode, audit.stderr).toBe(0);
    });
  });

  test('on a terminal without --yes: every confirmation first, in target order, then the wipes', async () => {
    await withLoopDevices([shmLoop(), shmLoop(), shmLoop()], async (loops) => {
      const devices = loops.map((l) => l.device);
      const cli = [
        process.execPath,
        BIN,
        'wipe',
        ...devices,
        '--method',
        'zero',
        '--parallel',
        '3',
        '--progress',
        'none',
      ];
      // a sized pty: `script` without a terminal makes one of 0 columns
      const child = execa('script', ['-q', '-e', '-c', `stty cols 160 rows 40; ${cli.join(' ')}`, '/dev/null'], {
        reject: false,
        stdin: 'pipe',
        env: { CLEANSLATE_HOME: state, NO_COLOR: '1' },
      });
      let output = '';
      const asked: string[] = [];
      const untouchedWhenLastAsked: boolean[] = [];
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        for (const device of devices) {
          if (asked.includes(device) || !output.includes(`Type ${device} to confirm`)) continue;
          asked.push(device);
          // the last question: no wipe may have begun yet
          if (asked.length === devices.length) {
            untouchedWhenLastAsked.push(...devices.map((d) => isAllBytes(d, 0xee)));
          }
          // the second device gets a wrong answer: refused, the others go on
          child.stdin!.write(device === devices[1] ? '/dev/not-this-one\n' : `${device}\n`);
        }
      });
      const result = await child;
      expect(asked, output).toEqual(devices);
      expect(untouchedWhenLastAsked).toEqual([true, true, true]);
      expect(result.exitCode, output).toBe(3);
      expect(output).toMatch(/does not match/);
      expect(isAllBytes(devices[0]!, 0)).toBe(true);
      expect(isAllBytes(devices[1]!, 0xee)).toBe(true);
      expect(isAllBytes(devices[2]!, 0)).toBe(true);
      expect(output.match(/: PASS {2}zero/g)).toHaveLength(2);
    });
  });
});

describe('wipe --parallel: bad values are usage errors (exit 2), nothing runs', () => {
  test.for(['0', 'x', '-1', '1.5', ''])('--parallel %j', async (value) => {
    const state = mkdtempSync(join(tmpdir(), 'cleanslate-e2e-parallel-usage-'));
    try {
      const image = join(state, 'disk.img');
      writeFileSync(image, Buffer.alloc(MiB, 0xee));
      const r = await runCli(['wipe', image, '--parallel', value, '--yes', '--method', 'zero'], {
        stateDir: state,
      });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/--parallel/);
      expect(isAllBytes(image, 0xee)).toBe(true);
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});
