import { describe, expect, test } from 'vitest';
import { WIPE_METHODS } from '../../src/methods/index.js';
import { runCli } from '../helpers/run-cli.js';

describe('cleanslate (built CLI)', () => {
  test('--help lists the commands and the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.exitCode).toBe(0);
    for (const word of ['devices', 'methods', 'wipe', 'Exit codes', '130']) expect(r.stdout).toContain(word);
  });

  test('wipe --help shows examples and every method', async () => {
    const r = await runCli(['wipe', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Examples:');
    for (const m of WIPE_METHODS) expect(r.stdout).toContain(m.id);
  });

  test('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('methods --json is the method table', async () => {
    const r = await runCli(['methods', '--json']);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout) as { methods: { id: string; passes: number; sequence: string }[] };
    expect(doc.methods.map((m) => m.id)).toEqual(WIPE_METHODS.map((m) => m.id));
    expect(doc.methods.find((m) => m.id === 'dod-3')).toMatchObject({ passes: 3, sequence: 'r(a), ~r(a), R' });
    expect(doc.methods.find((m) => m.id === 'gutmann')?.passes).toBe(35);
  });

  test('methods prints a human table', async () => {
    const r = await runCli(['methods']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/gutmann\s+35 passes/);
  });

  test.for([
    [['frobnicate'], 'unknown command'],
    [['wipe'], 'missing required argument'],
    [['wipe', '/tmp/x', '--bogus'], 'unknown option'],
    [['wipe', '/tmp/x', '--verify', 'sometimes'], 'Allowed choices'],
    [['wipe', '/tmp/x', '--progress', 'loud'], 'Allowed choices'],
    [['wipe', '/tmp/x', '--dry-run', '--keep-seed'], 'cannot be used with'],
  ])('usage error %j exits 2', async ([args, message]) => {
    const r = await runCli(args as string[]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
  });

  test('devices --json lists block devices with a verdict', async () => {
    const r = await runCli(['devices', '--json']);
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      devices: { identity: { realPath: string; sizeBytes: number }; verdict: { eligible: boolean } }[];
    };
    expect(Array.isArray(doc.devices)).toBe(true);
    for (const d of doc.devices) {
      expect(d.identity.realPath).toMatch(/^\/dev\//);
      expect(typeof d.verdict.eligible).toBe('boolean');
    }
  });
});
