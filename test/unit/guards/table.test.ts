import { describe, expect, test, vi } from 'vitest';
import {
  GUARDS,
  checkGuard,
  confirmationQuestion,
  type Confirmation,
  type Guard,
  type GuardOutcome,
} from '../../../src/guards/index.js';
import type { SystemState } from '../../../src/devices/index.js';
import { ERROR_CODES } from '../../../src/errors/index.js';
import type { DeviceIdentity } from '../../../src/types.js';
import { NODES, ROOT_MOUNT, UNREADABLE, blockIdentity, fileIdentity, mount, node, systemState } from './fixtures.js';

function guard(id: string): Guard {
  const found = (GUARDS as readonly Guard[]).find((g) => g.id === id);
  if (!found) throw new Error(`no guard ${id}`);
  return found;
}

async function check(
  id: string,
  identity: DeviceIdentity,
  system: SystemState,
  confirmation?: Confirmation,
): Promise<GuardOutcome> {
  return checkGuard(guard(id), identity, confirmation ? { system, confirmation } : { system });
}

const passes = { verdict: 'pass' };
const refuses = (code: string, reason: RegExp) => ({ verdict: 'refuse', code, reason: expect.stringMatching(reason) });

describe('GUARDS table', () => {
  test('ids are unique, kebab-case, in DESIGN order with confirmed last', () => {
    const ids = GUARDS.map((g) => g.id);
    expect(ids).toEqual([
      'not-mounted',
      'not-swap',
      'no-holders',
      'not-system-disk',
      'not-read-only',
      'not-loop-backing',
      'exclusive-open',
      'confirmed',
    ]);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  test('every entry refuses with a refused-class (exit 3) code and describes itself', () => {
    for (const g of GUARDS) {
      expect(ERROR_CODES[g.code]).toBe('refused');
      expect(g.describe.length).toBeGreaterThan(20);
    }
  });

  test('every guard that reads an input refuses as undecidable when that input is unreadable', async () => {
    for (const g of GUARDS as readonly Guard[]) {
      for (const kind of ['block', 'file'] as const) {
        for (const input of g.inputs[kind]) {
          const identity = kind === 'block' ? blockIdentity() : fileIdentity();
          const outcome = await checkGuard(g, identity, {
            system: systemState({ override: { [input]: UNREADABLE } }),
            confirmation: { yes: true, interactive: false },
          });
          expect(outcome, `${g.id} on a ${kind} with ${input} unreadable`).toEqual(
            refuses('ERR_GUARD_UNDECIDABLE', /cannot decide: cannot read .*EACCES.*refusing/),
          );
        }
      }
    }
  });
});

describe('not-mounted', () => {
  test('a clean device passes', async () => {
    expect(await check('not-mounted', blockIdentity(), systemState())).toEqual(passes);
  });

  test('the device itself mounted (by MAJ:MIN)', async () => {
    const state = systemState({ mounts: [ROOT_MOUNT, mount('7:5', '/mnt/x')] });
    expect(await check('not-mounted', blockIdentity(), state)).toEqual(
      refuses('ERR_GUARD_MOUNTED', /^\/dev\/loop5 is mounted at \/mnt\/x \(ext4\)/),
    );
  });

  test('a partition mounted', async () => {
    const state = systemState({ mounts: [ROOT_MOUNT, mount('259:1', '/mnt/p2')] });
    expect(await check('not-mounted', blockIdentity(), state)).toEqual(
      refuses('ERR_GUARD_MOUNTED', /\/dev\/loop5p2 \(a partition of \/dev\/loop5\) is mounted at \/mnt\/p2/),
    );
  });

  test('btrfs: anonymous 0:N in mountinfo, matched through the source device', async () => {
    const state = systemState({
      mounts: [
        ROOT_MOUNT,
        mount('0:51', '/data', { fstype: 'btrfs', source: '/dev/loop5p1', sourceMajorMinor: '259:0' }),
      ],
    });
    expect(await check('not-mounted', blockIdentity(), state)).toEqual(
      refuses('ERR_GUARD_MOUNTED', /loop5p1.*\/data \(btrfs\)/),
    );
  });

  test('node-disk-info (df) lists it even when mountinfo does not (another input, another chance)', async () => {
    const state = systemState({
      override: { filesystems: { ok: true, value: [{ filesystem: '/dev/loop5p1', mountPoint: '/elsewhere' }] } },
    });
    expect(await check('not-mounted', blockIdentity(), state)).toEqual(refuses('ERR_GUARD_MOUNTED', /listed by df/));
  });

  test('a partition known only from the identity is still matched by path', async () => {
    const nodes = NODES.filter((n) => n.name !== 'loop5p2');
    const state = systemState({
      nodes,
      override: { filesystems: { ok: true, value: [{ filesystem: '/dev/loop5p2', mountPoint: '/m' }] } },
    });
    expect(await check('not-mounted', blockIdentity(), state)).toEqual(refuses('ERR_GUARD_MOUNTED', /loop5p2/));
  });

  test('a target missing from sysfs is undecidable', async () => {
    const state = systemState({ nodes: NODES.filter((n) => n.name !== 'loop5') });
    expect(await check('not-mounted', blockIdentity(), state)).toEqual(
      refuses('ERR_GUARD_UNDECIDABLE', /not in \/sys\/class\/block/),
    );
  });

  test('files: pass unless something is bind-mounted onto the file itself', async () => {
    expect(await check('not-mounted', fileIdentity(), systemState())).toEqual(passes);
    const state = systemState({ mounts: [ROOT_MOUNT, mount('0:5', '/srv/images/disk.img', { source: '/dev/loop9' })] });
    expect(await check('not-mounted', fileIdentity(), state)).toEqual(refuses('ERR_GUARD_MOUNTED', /is a mount point/));
  });
});

describe('not-swap', () => {
  const swap = (path: string, type: string, majorMinor: string | null, fileKey: string | null = null) => ({
    path,
    type,
    majorMinor,
    fileKey,
  });

  test('no swap → pass; the device or a partition as swap → refuse', async () => {
    expect(await check('not-swap', blockIdentity(), systemState())).toEqual(passes);
    const onDisk = systemState({ override: { swaps: { ok: true, value: [swap('/dev/loop5', 'partition', '7:5')] } } });
    expect(await check('not-swap', blockIdentity(), onDisk)).toEqual(
      refuses('ERR_GUARD_SWAP', /^\/dev\/loop5 is an active swap area/),
    );
    const onPart = systemState({ override: { swaps: { ok: true, value: [swap('/dev/loop5p2', 'partition', null)] } } });
    expect(await check('not-swap', blockIdentity(), onPart)).toEqual(
      refuses('ERR_GUARD_SWAP', /loop5p2 \(a partition/),
    );
  });

  test('a swap file: matched by inode, or by path', async () => {
    const byKey = systemState({
      override: { swaps: { ok: true, value: [swap('/elsewhere/renamed', 'file', null, 'ino:65024:1234')] } },
    });
    expect(await check('not-swap', fileIdentity(), byKey)).toEqual(refuses('ERR_GUARD_SWAP', /active swap file/));
    const byPath = systemState({
      override: { swaps: { ok: true, value: [swap('/srv/images/disk.img', 'file', null)] } },
    });
    expect(await check('not-swap', fileIdentity(), byPath)).toEqual(refuses('ERR_GUARD_SWAP', /active swap file/));
    const other = systemState({
      override: { swaps: { ok: true, value: [swap('/swapfile', 'file', null, 'ino:65024:99')] } },
    });
    expect(await check('not-swap', fileIdentity(), other)).toEqual(passes);
  });
});

describe('no-holders', () => {
  test('a dm device on a partition refuses, naming the dm name', async () => {
    const nodes = [
      ...NODES.filter((n) => n.name !== 'loop5p1'),
      node('loop5p1', '259:0', { parent: 'loop5', holders: ['dm-3'] }),
      node('dm-3', '253:3', { slaves: ['loop5p1'], dmName: 'vg-data' }),
    ];
    expect(await check('no-holders', blockIdentity(), systemState({ nodes }))).toEqual(
      refuses('ERR_GUARD_HOLDERS', /loop5p1 \(a partition of \/dev\/loop5\) is held by dm-3 \(vg-data\)/),
    );
  });

  test('md on the whole disk refuses; no holders passes; files have none', async () => {
    const nodes = [...NODES.filter((n) => n.name !== 'loop6'), node('loop6', '7:6', { holders: ['md127'] })];
    const identity = blockIdentity({
      path: '/dev/loop6',
      realPath: '/dev/loop6',
      name: 'loop6',
      majorMinor: '7:6',
      partitions: [],
    });
    expect(await check('no-holders', identity, systemState({ nodes }))).toEqual(
      refuses('ERR_GUARD_HOLDERS', /^\/dev\/loop6 is held by md127/),
    );
    expect(await check('no-holders', blockIdentity(), systemState())).toEqual(passes);
    expect((await check('no-holders', fileIdentity(), systemState())).verdict).toBe('pass');
  });
});

describe('not-system-disk', () => {
  const vda = blockIdentity({
    path: '/dev/vda',
    realPath: '/dev/vda',
    name: 'vda',
    majorMinor: '254:0',
    partitions: ['vda1', 'vda2'],
    loopBackingFile: null,
  });

  test('the disk holding / refuses', async () => {
    expect(await check('not-system-disk', vda, systemState())).toEqual(
      refuses('ERR_GUARD_SYSTEM_DISK', /\/dev\/vda holds the running system.*mounted at \//),
    );
  });

  test('an unmounted partition of the system disk refuses too', async () => {
    const vda2 = blockIdentity({
      path: '/dev/vda2',
      realPath: '/dev/vda2',
      name: 'vda2',
      majorMinor: '254:2',
      parentName: 'vda',
      partitions: [],
    });
    expect(await check('not-system-disk', vda2, systemState())).toEqual(
      refuses('ERR_GUARD_SYSTEM_DISK', /partition of vda, which holds the running system/),
    );
  });

  test('the disk under an LVM root (dm slave) refuses', async () => {
    const nodes = [...NODES, node('dm-0', '253:0', { slaves: ['loop5p1'], dmName: 'vg-root' })];
    const state = systemState({ nodes, mounts: [mount('253:0', '/', { source: '/dev/mapper/vg-root' })] });
    expect(await check('not-system-disk', blockIdentity(), state)).toEqual(
      refuses('ERR_GUARD_SYSTEM_DISK', /loop5 holds the running system/),
    );
  });

  test('another disk passes; image files pass', async () => {
    expect(await check('not-system-disk', blockIdentity(), systemState())).toEqual(passes);
    expect(await check('not-system-disk', fileIdentity(), systemState())).toEqual(passes);
  });
});

describe('not-read-only', () => {
  test('kernel ro flag from the identity, from sysfs now, or on the parent disk', async () => {
    expect(await check('not-read-only', blockIdentity({ readOnly: true }), systemState())).toEqual(
      refuses('ERR_GUARD_READ_ONLY', /read-only \(kernel ro flag\)/),
    );
    const nodes = [...NODES.filter((n) => n.name !== 'loop5'), node('loop5', '7:5', { readOnly: true })];
    expect(await check('not-read-only', blockIdentity(), systemState({ nodes }))).toEqual(
      refuses('ERR_GUARD_READ_ONLY', /\/sys\/class\/block\/loop5\/ro = 1/),
    );
    const part = blockIdentity({
      path: '/dev/loop5p1',
      realPath: '/dev/loop5p1',
      name: 'loop5p1',
      majorMinor: '259:0',
      parentName: 'loop5',
      partitions: [],
    });
    expect(await check('not-read-only', part, systemState({ nodes }))).toEqual(
      refuses('ERR_GUARD_READ_ONLY', /loop5\/ro/),
    );
    expect(await check('not-read-only', blockIdentity(), systemState())).toEqual(passes);
  });

  test('files: not writable, or on a filesystem mounted read-only (found by st_dev and longest mount point)', async () => {
    expect(await check('not-read-only', fileIdentity({ readOnly: true }), systemState())).toEqual(
      refuses('ERR_GUARD_READ_ONLY', /not writable/),
    );
    const ro = systemState({ mounts: [mount('254:0', '/'), mount('254:0', '/srv', { mountOptions: ['ro'] })] });
    expect(await check('not-read-only', fileIdentity(), ro)).toEqual(
      refuses('ERR_GUARD_READ_ONLY', /read-only filesystem \(\/srv\)/),
    );
    const superRo = systemState({ mounts: [mount('254:0', '/', { superOptions: ['ro'] })] });
    expect(await check('not-read-only', fileIdentity(), superRo)).toEqual(
      refuses('ERR_GUARD_READ_ONLY', /read-only filesystem \(\/\)/),
    );
    const rw = systemState({ mounts: [mount('254:0', '/'), mount('254:0', '/other', { mountOptions: ['ro'] })] });
    expect(await check('not-read-only', fileIdentity(), rw)).toEqual(passes);
  });
});

describe('not-loop-backing', () => {
  test('the image of an attached loop (by inode or path) refuses with "wipe /dev/loopN instead"', async () => {
    const byKey = fileIdentity({ path: '/tmp/link.img', realPath: '/tmp/t/moved.img', statKey: 'ino:27:3' });
    expect(await check('not-loop-backing', byKey, systemState())).toEqual(
      refuses('ERR_GUARD_LOOP_BACKING', /backs the attached loop device \/dev\/loop5: wipe \/dev\/loop5 instead/),
    );
    const byPath = fileIdentity({ realPath: '/tmp/t/disk.img', statKey: 'ino:27:999' });
    expect(await check('not-loop-backing', byPath, systemState())).toEqual(refuses('ERR_GUARD_LOOP_BACKING', /loop5/));
  });

  test('a deleted backing file at the same path is a different file', async () => {
    const state = systemState({
      override: {
        loops: {
          ok: true,
          value: [
            { name: 'loop5', majorMinor: '7:5', backingFile: '/srv/images/disk.img', deleted: true, backingKey: null },
          ],
        },
      },
    });
    expect(await check('not-loop-backing', fileIdentity(), state)).toEqual(passes);
  });

  test('a block device (or partition) backing a loop refuses; the loop device itself passes', async () => {
    const state = systemState({
      override: {
        loops: {
          ok: true,
          value: [
            { name: 'loop7', majorMinor: '7:7', backingFile: '/dev/loop5p2', deleted: false, backingKey: 'rdev:259:1' },
          ],
        },
      },
    });
    expect(await check('not-loop-backing', blockIdentity(), state)).toEqual(
      refuses('ERR_GUARD_LOOP_BACKING', /loop5p2.*backs the attached loop device \/dev\/loop7/),
    );
    expect(await check('not-loop-backing', blockIdentity(), systemState())).toEqual(passes);
  });
});

describe('exclusive-open', () => {
  test('is enforced by the engine; the table entry passes with a note', async () => {
    expect(guard('exclusive-open').enforcedBy).toBe('engine');
    expect(await check('exclusive-open', blockIdentity(), systemState())).toEqual({
      verdict: 'pass',
      note: expect.stringMatching(/O_EXCL.*ERR_GUARD_BUSY/),
    });
  });
});

describe('confirmed', () => {
  test('--yes passes without asking', async () => {
    const prompt = vi.fn(async () => 'x');
    expect(
      (await check('confirmed', blockIdentity(), systemState(), { yes: true, interactive: true, prompt })).verdict,
    ).toBe('pass');
    expect(prompt).not.toHaveBeenCalled();
  });

  test('no --yes and no terminal refuses', async () => {
    expect(await check('confirmed', blockIdentity(), systemState(), { yes: false, interactive: false })).toEqual(
      refuses('ERR_GUARD_UNCONFIRMED', /^no --yes and no terminal to confirm on$/),
    );
    expect(await check('confirmed', blockIdentity(), systemState())).toEqual(
      refuses('ERR_GUARD_UNCONFIRMED', /not confirmed/),
    );
  });

  test('a device with a serial: the serial must be typed; the question does not reveal it', async () => {
    const disk = blockIdentity({ serial: 'WD-123', model: 'WDC' });
    const prompt = vi.fn(async (_question: string) => ' WD-123\n');
    expect(await check('confirmed', disk, systemState(), { yes: false, interactive: true, prompt })).toEqual({
      verdict: 'pass',
      note: 'serial number typed',
    });
    expect(prompt.mock.calls[0]?.[0]).not.toContain('WD-123');
    expect(confirmationQuestion(disk)).toMatch(/\/dev\/loop5.*WDC.*serial number/);
    for (const wrong of ['/dev/loop5', 'wd-123', 'WD-12', '']) {
      expect(
        await check('confirmed', disk, systemState(), { yes: false, interactive: true, prompt: async () => wrong }),
      ).toEqual(refuses('ERR_GUARD_UNCONFIRMED', /typed serial number does not match/));
    }
  });

  test('no serial (loop devices, images): the path as given must be typed', async () => {
    const ok = await check('confirmed', blockIdentity(), systemState(), {
      yes: false,
      interactive: true,
      prompt: async () => '/dev/loop5',
    });
    expect(ok).toEqual({ verdict: 'pass', note: 'path typed' });
    const wrong = await check('confirmed', blockIdentity(), systemState(), {
      yes: false,
      interactive: true,
      prompt: async () => 'yes',
    });
    expect(wrong).toEqual(refuses('ERR_GUARD_UNCONFIRMED', /typed path does not match/));
  });

  test('a prompt that fails (EOF, closed terminal) refuses', async () => {
    const outcome = await check('confirmed', fileIdentity(), systemState(), {
      yes: false,
      interactive: true,
      prompt: async () => {
        throw new Error('stdin closed');
      },
    });
    expect(outcome).toEqual(refuses('ERR_GUARD_UNCONFIRMED', /stdin closed/));
  });
});
