import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readBlockTopology, readHolders, readLoopAttachments, readSystemState } from '../../../src/devices/index.js';

// A crafted sysfs + procfs: loop0 with partition loop0p1, dm-0 (test-lv) built on loop0p1 and mounted at /srv.
let root: string;
let sys: string;
let proc: string;

function file(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

function link(path: string, target: string): void {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cleanslate-sysfs-'));
  sys = join(root, 'sys');
  proc = join(root, 'proc');
  const loop0 = join(sys, 'devices/virtual/block/loop0');
  file(join(loop0, 'dev'), '7:0\n');
  file(join(loop0, 'ro'), '0\n');
  file(join(loop0, 'size'), '65536\n');
  file(join(loop0, 'loop/backing_file'), '/nonexistent/disk.img\n');
  mkdirSync(join(loop0, 'holders'));
  file(join(loop0, 'loop0p1/dev'), '259:0\n');
  file(join(loop0, 'loop0p1/partition'), '1\n');
  file(join(loop0, 'loop0p1/ro'), '1\n');
  link(join(loop0, 'loop0p1/holders/dm-0'), '../../../dm-0');
  const loop1 = join(sys, 'devices/virtual/block/loop1'); // detached: no loop/ directory
  file(join(loop1, 'dev'), '7:1\n');
  const dm0 = join(sys, 'devices/virtual/block/dm-0');
  file(join(dm0, 'dev'), '253:0\n');
  file(join(dm0, 'dm/name'), 'test-lv\n');
  link(join(dm0, 'slaves/loop0p1'), '../../loop0/loop0p1');
  for (const [name, target] of [
    ['loop0', 'loop0'],
    ['loop0p1', 'loop0/loop0p1'],
    ['loop1', 'loop1'],
    ['dm-0', 'dm-0'],
  ] as const) {
    link(join(sys, 'class/block', name), `../../devices/virtual/block/${target}`);
  }
  for (const name of ['loop0', 'loop1', 'dm-0']) link(join(sys, 'block', name), `../devices/virtual/block/${name}`);
  file(
    join(proc, 'self/mountinfo'),
    '30 1 253:0 / /srv rw - ext4 /dev/mapper/test-lv rw\n31 1 0:22 / /sys rw - sysfs sysfs rw\n',
  );
  file(join(proc, 'swaps'), 'Filename\tType\tSize\tUsed\tPriority\n');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const noDf = async () => [{ filesystem: '/dev/mapper/test-lv', mountPoint: '/srv' }];

describe('sysfs readers on a crafted tree', () => {
  test('readBlockTopology: partitions, holders, slaves, ro, dm names', async () => {
    const nodes = await readBlockTopology(sys);
    expect(nodes.map((n) => n.name)).toEqual(['dm-0', 'loop0', 'loop0p1', 'loop1']);
    expect(nodes.find((n) => n.name === 'loop0p1')).toEqual({
      name: 'loop0p1',
      majorMinor: '259:0',
      parent: 'loop0',
      holders: ['dm-0'],
      slaves: [],
      readOnly: true,
      dmName: null,
    });
    expect(nodes.find((n) => n.name === 'dm-0')).toMatchObject({
      slaves: ['loop0p1'],
      dmName: 'test-lv',
      parent: null,
    });
  });

  test('readHolders: holders of the disk and of each partition', async () => {
    expect(await readHolders('loop0', sys)).toEqual([{ holder: 'dm-0', of: 'loop0p1' }]);
    expect(await readHolders('loop1', sys)).toEqual([]);
  });

  test('readLoopAttachments: attached loops only, backing key null when the file is gone', async () => {
    expect(await readLoopAttachments(sys)).toEqual([
      { name: 'loop0', majorMinor: '7:0', backingFile: '/nonexistent/disk.img', deleted: false, backingKey: null },
    ]);
  });
});

describe('readSystemState', () => {
  test('every input read; system disks walk dm-0 → loop0p1 → loop0', async () => {
    const state = await readSystemState({ procRoot: proc, sysRoot: sys, listFilesystems: noDf });
    expect(state.mounts.ok && state.mounts.value.map((m) => m.mountPoint)).toEqual(['/srv', '/sys']);
    expect(state.swaps).toEqual({ ok: true, value: [] });
    expect(state.filesystems.ok).toBe(true);
    expect(state.systemDisks.ok && state.systemDisks.value.map((d) => d.name).sort()).toEqual([
      'dm-0',
      'loop0',
      'loop0p1',
    ]);
  });

  test('an unreadable input is recorded as { ok: false } naming its source, never thrown', async () => {
    const state = await readSystemState({
      procRoot: join(root, 'no-such-proc'),
      sysRoot: sys,
      listFilesystems: async () => {
        throw new Error('df: exited 1');
      },
    });
    expect(state.mounts).toEqual({
      ok: false,
      error: expect.stringMatching(/cannot read \/proc\/self\/mountinfo: ENOENT/),
    });
    expect(state.swaps).toEqual({ ok: false, error: expect.stringMatching(/cannot read \/proc\/swaps/) });
    expect(state.filesystems).toEqual({ ok: false, error: expect.stringMatching(/node-disk-info.*df: exited 1/) });
    expect(state.systemDisks.ok).toBe(false);
    expect(state.blockDevices.ok).toBe(true);
  });

  test('malformed mountinfo makes mounts and system disks unreadable', async () => {
    const bad = join(root, 'bad-proc');
    file(join(bad, 'self/mountinfo'), 'this is not mountinfo\n');
    file(join(bad, 'swaps'), 'garbage\n');
    const state = await readSystemState({ procRoot: bad, sysRoot: sys, listFilesystems: noDf });
    expect(state.mounts.ok).toBe(false);
    expect(state.swaps.ok).toBe(false);
    expect(state.systemDisks).toEqual({ ok: false, error: expect.stringMatching(/mountinfo/) });
  });
});
