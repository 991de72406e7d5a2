// wipe on image files, run through the built CLI like a user (no root needed).
import { randomBytes } from 'node:crypto';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCli, sha256Of, withoutKeyNotice } from '../helpers/run-cli.js';

tmp.setGracefulCleanup();

let dir: tmp.DirResult;
let state: string;
let image: string;

beforeEach(() => {
  dir = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-e2e-' });
  state = join(dir.name, 'state');
  image = join(dir.name, 'disk.img');
  writeFileSync(image, randomBytes(8 * 1024 * 1024 + 3 * 4096));
});
afterEach(() => dir.removeCallback());

const blocks = (buf: Buffer, size = 4096) =>
  Array.from({ length: Math.ceil(buf.length / size) }, (_, i) => buf.subarray(i * size, (i + 1) * size));

describe('wipe an image file', () => {
  test('zero: exit 0, all zero, one JSON report with passes, throughput and verification', async () => {
    const r = await runCli(['wipe', image, '--method', 'zero', '--yes', '--json'], { stateDir: state });
    expect(withoutKeyNotice(r.stderr)).toBe('');
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      result: 'PASS',
      method: { id: 'zero' },
      target: { path: image, kind: 'file', sizeBytes: 8 * 1024 * 1024 + 3 * 4096 },
      verification: { mode: 'last', mismatches: 0, firstMismatchOffset: null, bytesRead: 8 * 1024 * 1024 + 3 * 4096 },
    });
    expect(report.passes).toHaveLength(1);
    expect(report.passes[0]).toMatchObject({ index: 1, pattern: '0x00', bytes: 8 * 1024 * 1024 + 3 * 4096 });
    expect(report.passes[0].bytesPerSecond).toBeGreaterThan(0);
    expect(report.seedCommitment).toMatch(/^[0-9a-f]{64}$/);
    expect(report.seedFile).toBeNull();
    expect(readFileSync(image).every((b) => b === 0)).toBe(true);
  });

  test('dod-3: no 4 KiB block equals the original and none is blank', async () => {
    const before = readFileSync(image);
    const r = await runCli(['wipe', image, '--method', 'dod-3', '--yes', '--json'], { stateDir: state });
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.passes.map((p: { pattern: string }) => p.pattern)).toEqual([
      expect.stringMatching(/^random byte 0x[0-9a-f]{2}$/),
      expect.stringMatching(/^complement 0x[0-9a-f]{2}$/),
      'aes-256-ctr',
    ]);
    const after = readFileSync(image);
    const old = blocks(before);
    blocks(after).forEach((block, i) => {
      expect(block.equals(old[i]!)).toBe(false);
      expect(block.every((b) => b === 0) || block.every((b) => b === 0xff)).toBe(false);
    });
  });

  test('the residual scan runs after the last pass by default and doubles as its verification', async () => {
    const r = await runCli(['wipe', image, '--method', 'dod-3', '--yes', '--json'], { stateDir: state });
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.scan).toMatchObject({
      expect: 'aes-256-ctr',
      coverage: { mode: 'full', bytesScanned: 8 * 1024 * 1024 + 3 * 4096 },
      findings: [],
      counts: {},
      residueBlocks: 0,
      clean: true,
    });
    expect(report.verification.passes).toEqual([
      expect.objectContaining({ pass: 3, mismatches: 0, bytesRead: 8 * 1024 * 1024 + 3 * 4096 }),
    ]);
  });

  test('--scan sample and --scan none', async () => {
    const sample = JSON.parse(
      (await runCli(['wipe', image, '--method', 'zero', '--scan', 'sample', '--yes', '--json'], { stateDir: state }))
        .stdout,
    );
    expect(sample.scan.coverage).toMatchObject({
      mode: 'sample',
      samples: expect.any(Number),
      claim: expect.stringContaining('probability'),
    });
    expect(sample.verification.passes).toHaveLength(1);
    const none = JSON.parse(
      (await runCli(['wipe', image, '--method', 'zero', '--scan', 'none', '--yes', '--json'], { stateDir: state }))
        .stdout,
    );
    expect(none.scan).toBeNull();
    expect(none.result).toBe('PASS');
  });

  test('an odd size that is not a multiple of the block size is wiped to its last byte', async () => {
    writeFileSync(image, Buffer.alloc(10_000_001, 0x5a));
    const r = await runCli(['wipe', image, '--method', 'one', '--yes', '--json'], { stateDir: state });
    expect(r.exitCode).toBe(0);
    const after = readFileSync(image);
    expect(after.length).toBe(10_000_001);
    expect(after.every((b) => b === 0xff)).toBe(true);
  });

  test('--verify all verifies every pass', async () => {
    const r = await runCli(['wipe', image, '--method', 'hmg-is5-enhanced', '--verify', 'all', '--yes', '--json'], {
      stateDir: state,
    });
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.verification.passes.map((v: { pass: number }) => v.pass)).toEqual([1, 2, 3]);
  });

  test('--dry-run prints the plan and writes nothing', async () => {
    const before = await sha256Of(image);
    const r = await runCli(['wipe', image, '--method', 'gutmann', '--dry-run', '--json'], { stateDir: state });
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ result: 'DRY-RUN', dryRun: true, bytesWritten: 0 });
    expect(report.plan).toHaveLength(35);
    expect(await sha256Of(image)).toBe(before);
  });

  test('--progress ndjson writes one JSON event per line on stderr', async () => {
    const r = await runCli(['wipe', image, '--method', 'dod-3', '--yes', '--json', '--progress', 'ndjson'], {
      stateDir: state,
    });
    expect(r.exitCode).toBe(0);
    const events = r.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const types = events.map((e) => e.type).filter((t) => t !== 'notice');
    expect(types[0]).toBe('started');
    expect(types.at(-1)).toBe('completed');
    expect(types.filter((t) => t === 'pass.completed')).toHaveLength(3);
    expect(types).toContain('scan.completed');
    for (const e of events) expect(e).toMatchObject({ ts: expect.any(String), target: image });
    JSON.parse(r.stdout);
  });

  test('human output names the result, each pass and the verification', async () => {
    const r = await runCli(['wipe', image, '--method', 'dod-3', '--yes'], { stateDir: state });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`${image}: PASS  dod-3`);
    expect(r.stdout).toMatch(/pass 3\/3\s+aes-256-ctr/);
    expect(r.stdout).toMatch(/verify\s+pass 3: .* 0 mismatching/);
  });

  test('--keep-seed keeps the seed (0600) in the state directory', async () => {
    const r = await runCli(['wipe', image, '--method', 'random', '--yes', '--json', '--keep-seed'], {
      stateDir: state,
    });
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.seedFile).toMatch(new RegExp(`^${state}/runs/.*\\.seed$`));
    const { statSync } = await import('node:fs');
    expect(statSync(report.seedFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(report.seedFile, 'utf8'))).toEqual({
      version: 1,
      methodId: 'random',
      seed: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // the kept seed file tells scan what the last pass wrote
    const scan = await runCli(['scan', image, '--expect', `random:${report.seedFile}`, '--json'], { stateDir: state });
    expect(scan.exitCode).toBe(0);
    expect(JSON.parse(scan.stdout)).toMatchObject({ clean: true, residueBlocks: 0 });
  });

  test('a symlink to an image wipes the image', async () => {
    const link = join(dir.name, 'link.img');
    symlinkSync(image, link);
    const r = await runCli(['wipe', link, '--method', 'zero', '--yes', '--json'], { stateDir: state });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).target).toMatchObject({ path: link, realPath: image });
    expect(readFileSync(image).every((b) => b === 0)).toBe(true);
  });

  test('several targets: each gets a report, the exit code is the worst', async () => {
    const other = join(dir.name, 'other.img');
    writeFileSync(other, randomBytes(1024 * 1024));
    const missing = join(dir.name, 'missing.img');
    const r = await runCli(['wipe', image, missing, other, '--method', 'zero', '--yes', '--json'], { stateDir: state });
    expect(r.exitCode).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.exitCode).toBe(2);
    expect(doc.reports.map((x: { result?: string; error?: { code: string } }) => x.result ?? x.error?.code)).toEqual([
      'PASS',
      'ERR_TARGET_NOT_FOUND',
      'PASS',
    ]);
    expect(readFileSync(other).every((b) => b === 0)).toBe(true);
  });
});

describe('wipe refuses bad input and writes nothing', () => {
  const cases: {
    name: string;
    args: (img: string, d: string) => string[];
    code: number;
    message: RegExp;
    setup?: (d: string) => void;
  }[] = [
    {
      name: 'a nonexistent path',
      args: (_i, d) => ['wipe', join(d, 'nope.img'), '--yes'],
      code: 2,
      message: /nope\.img: .*(no such|does not exist)/i,
    },
    { name: 'a directory', args: (_i, d) => ['wipe', d, '--yes'], code: 2, message: /directory/i },
    {
      name: 'a character device',
      args: () => ['wipe', '/dev/null', '--yes'],
      code: 2,
      message: /\/dev\/null: .*character device/i,
    },
    {
      name: 'a zero-size file',
      args: (_i, d) => ['wipe', join(d, 'empty.img'), '--yes'],
      code: 2,
      message: /empty\.img: .*(empty|zero|size 0)/i,
      setup: (d) => writeFileSync(join(d, 'empty.img'), ''),
    },
    {
      name: 'an unknown method',
      args: (i) => ['wipe', i, '--method', 'shred-it', '--yes'],
      code: 2,
      message: /unknown method 'shred-it'/,
    },
    {
      name: 'conflicting flags (--dry-run with --keep-seed)',
      args: (i) => ['wipe', i, '--dry-run', '--keep-seed', '--yes'],
      code: 2,
      message: /cannot be used with/,
    },
    { name: 'no --yes and no terminal', args: (i) => ['wipe', i], code: 3, message: /(confirm|--yes)/ },
  ];
  test.for(cases)('$name → exit $code', async ({ args, code, message, setup }) => {
    setup?.(dir.name);
    const before = await sha256Of(image);
    const r = await runCli(args(image, dir.name), { stateDir: state });
    expect(r.exitCode).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(await sha256Of(image)).toBe(before);
  });

  test('--json error documents carry the code and exit code', async () => {
    const r = await runCli(['wipe', join(dir.name, 'nope.img'), '--yes', '--json'], { stateDir: state });
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      target: { path: join(dir.name, 'nope.img') },
      error: { code: 'ERR_TARGET_NOT_FOUND', exitCode: 2 },
    });
  });
});
