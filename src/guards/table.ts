// GUARDS: every safety check that must pass before the first write (DESIGN §3), as one table that
// the runner, `--help` and the README read. Order matters only for which refusal is reported
// first; `confirmed` is last so the user is asked only when everything else has passed.
import { decodeDeviceNumber, type MountEntry } from '../devices/index.js';
import type { ErrorCode } from '../errors/index.js';
import type { DeviceIdentity } from '../types.js';
import type { Guard, GuardOutcome } from './guard.js';
import { membersOf, pathsOf, valueOf } from './members.js';

export const GUARDS = [
  {
    id: 'not-mounted',
    describe:
      'neither the target nor any of its partitions is mounted (/proc/self/mountinfo by MAJ:MIN, node-disk-info by path)',
    code: 'ERR_GUARD_MOUNTED',
    enforcedBy: 'guards',
    inputs: { block: ['mounts', 'filesystems', 'blockDevices'], file: ['mounts'] },
    check(identity, { system }) {
      const mounts = valueOf(system, 'mounts');
      if (identity.kind === 'file') {
        // An image is mounted through a loop device, which not-loop-backing covers; a bind mount onto it is caught here.
        const onto = mounts.find((m) => m.mountPoint === identity.realPath);
        return onto
          ? refuse('ERR_GUARD_MOUNTED', `${identity.path} is a mount point (${onto.source} is mounted on it)`)
          : pass();
      }
      const members = membersOf(identity, valueOf(system, 'blockDevices'));
      for (const mount of mounts) {
        const member = members.find(
          (m) =>
            m.majorMinor !== null && (m.majorMinor === mount.majorMinor || m.majorMinor === mount.sourceMajorMinor),
        );
        if (member)
          return refuse('ERR_GUARD_MOUNTED', `${member.label} is mounted at ${mount.mountPoint} (${mount.fstype})`);
      }
      for (const fs of valueOf(system, 'filesystems')) {
        const member = members.find((m) => pathsOf(m, identity).includes(fs.filesystem));
        if (member) return refuse('ERR_GUARD_MOUNTED', `${member.label} is mounted at ${fs.mountPoint} (listed by df)`);
      }
      return pass();
    },
  },
  {
    id: 'not-swap',
    describe: 'neither the target nor any of its partitions is an active swap area (/proc/swaps)',
    code: 'ERR_GUARD_SWAP',
    enforcedBy: 'guards',
    inputs: { block: ['swaps', 'blockDevices'], file: ['swaps'] },
    check(identity, { system }) {
      const swaps = valueOf(system, 'swaps');
      if (identity.kind === 'file') {
        const swap = swaps.find(
          (s) => s.type === 'file' && (s.fileKey === identity.statKey || s.path === identity.realPath),
        );
        return swap ? refuse('ERR_GUARD_SWAP', `${identity.path} is an active swap file (swapoff it first)`) : pass();
      }
      for (const member of membersOf(identity, valueOf(system, 'blockDevices'))) {
        const swap = swaps.find(
          (s) =>
            s.type !== 'file' &&
            ((member.majorMinor !== null && s.majorMinor === member.majorMinor) ||
              pathsOf(member, identity).includes(s.path)),
        );
        if (swap)
          return refuse('ERR_GUARD_SWAP', `${member.label} is an active swap area (${swap.path}; swapoff it first)`);
      }
      return pass();
    },
  },
  {
    id: 'no-holders',
    describe: 'no dm, md, LVM or bcache device is built on the target or its partitions (/sys/class/block/*/holders)',
    code: 'ERR_GUARD_HOLDERS',
    enforcedBy: 'guards',
    inputs: { block: ['blockDevices'], file: [] },
    check(identity, { system }) {
      if (identity.kind === 'file')
        return pass('an image file has no holders; a loop device over it is covered by not-loop-backing');
      const nodes = valueOf(system, 'blockDevices');
      for (const member of membersOf(identity, nodes)) {
        const holders = member.node?.holders ?? [];
        if (holders.length > 0) {
          const named = holders.map((h) => {
            const dmName = nodes.find((n) => n.name === h)?.dmName;
            return dmName ? `${h} (${dmName})` : h;
          });
          return refuse(
            'ERR_GUARD_HOLDERS',
            `${member.label} is held by ${named.join(', ')}; remove the holder (dmsetup remove, mdadm --stop, vgchange -an) first`,
          );
        }
      }
      return pass();
    },
  },
  {
    id: 'not-system-disk',
    describe:
      'the target is not, and is not a partition of, a disk under any mounted filesystem (root, /boot, any mount; through dm/md slaves)',
    code: 'ERR_GUARD_SYSTEM_DISK',
    enforcedBy: 'guards',
    inputs: { block: ['systemDisks'], file: [] },
    check(identity, { system }) {
      if (identity.kind === 'file') return pass();
      const disks = valueOf(system, 'systemDisks');
      const own = disks.find((d) => d.name === identity.name);
      if (own)
        return refuse(
          'ERR_GUARD_SYSTEM_DISK',
          `${identity.path} holds the running system: a filesystem on it is mounted at ${own.mountPoints.join(', ')}`,
        );
      const parent = identity.parentName === null ? undefined : disks.find((d) => d.name === identity.parentName);
      if (parent) {
        return refuse(
          'ERR_GUARD_SYSTEM_DISK',
          `${identity.path} is a partition of ${parent.name}, which holds the running system (mounted at ${parent.mountPoints.join(', ')})`,
        );
      }
      return pass();
    },
  },
  {
    id: 'not-read-only',
    describe:
      'the target is writable: sysfs ro=0 for the device and its disk; for an image, a writable file on a read-write filesystem',
    code: 'ERR_GUARD_READ_ONLY',
    enforcedBy: 'guards',
    inputs: { block: ['blockDevices'], file: ['mounts'] },
    check(identity, { system }) {
      if (identity.kind === 'file') {
        if (identity.readOnly)
          return refuse(
            'ERR_GUARD_READ_ONLY',
            `${identity.path} is not writable (read-only filesystem or no write permission)`,
          );
        const mount = mountOfFile(identity, valueOf(system, 'mounts'));
        if (mount && (mount.superOptions.includes('ro') || mount.mountOptions.includes('ro'))) {
          return refuse('ERR_GUARD_READ_ONLY', `${identity.path} is on a read-only filesystem (${mount.mountPoint})`);
        }
        return pass();
      }
      // As root a write-open of a read-only loop succeeds and only the write fails (EPERM): check first.
      if (identity.readOnly) return refuse('ERR_GUARD_READ_ONLY', `${identity.path} is read-only (kernel ro flag)`);
      const nodes = valueOf(system, 'blockDevices');
      for (const name of [identity.name, identity.parentName]) {
        if (name !== null && nodes.find((n) => n.name === name)?.readOnly) {
          return refuse('ERR_GUARD_READ_ONLY', `${identity.path} is read-only (/sys/class/block/${name}/ro = 1)`);
        }
      }
      return pass();
    },
  },
  {
    id: 'not-loop-backing',
    describe: 'the target is not the backing file (or device) of an attached loop device: wipe the loop device instead',
    code: 'ERR_GUARD_LOOP_BACKING',
    enforcedBy: 'guards',
    inputs: { block: ['loops', 'blockDevices'], file: ['loops'] },
    check(identity, { system }) {
      const loops = valueOf(system, 'loops');
      if (identity.kind === 'file') {
        const loop = loops.find(
          (l) => l.backingKey === identity.statKey || (!l.deleted && l.backingFile === identity.realPath),
        );
        return loop
          ? refuse(
              'ERR_GUARD_LOOP_BACKING',
              `${identity.path} backs the attached loop device /dev/${loop.name}: wipe /dev/${loop.name} instead, or detach it (losetup -d /dev/${loop.name})`,
            )
          : pass();
      }
      for (const member of membersOf(identity, valueOf(system, 'blockDevices'))) {
        const loop = loops.find((l) => member.majorMinor !== null && l.backingKey === `rdev:${member.majorMinor}`);
        if (loop)
          return refuse(
            'ERR_GUARD_LOOP_BACKING',
            `${member.label} backs the attached loop device /dev/${loop.name}: detach it first (losetup -d /dev/${loop.name})`,
          );
      }
      return pass();
    },
  },
  {
    id: 'exclusive-open',
    describe:
      'the kernel grants an exclusive open (O_EXCL; EBUSY while anything holds the device); the engine keeps that descriptor for the whole run',
    code: 'ERR_GUARD_BUSY',
    // Enforced where the descriptor is opened, so there is no check-then-use gap: a probe here
    // would be released before the engine opened the device for real.
    enforcedBy: 'engine',
    inputs: { block: [], file: [] },
    check(identity) {
      return pass(
        identity.kind === 'block'
          ? 'checked by the engine when it opens the target with O_EXCL (EBUSY → ERR_GUARD_BUSY)'
          : 'O_EXCL has no effect on regular files; not-loop-backing and not-mounted cover images',
      );
    },
  },
  {
    id: 'confirmed',
    describe:
      '--yes, or the device serial (the path for images and devices without a serial, such as loop devices) typed on the terminal',
    code: 'ERR_GUARD_UNCONFIRMED',
    enforcedBy: 'guards',
    inputs: { block: [], file: [] },
    async check(identity, { confirmation }) {
      if (!confirmation) return refuse('ERR_GUARD_UNCONFIRMED', `wiping ${identity.path} was not confirmed`);
      if (confirmation.yes) return pass('--yes');
      if (!confirmation.interactive || !confirmation.prompt)
        return refuse('ERR_GUARD_UNCONFIRMED', 'no --yes and no terminal to confirm on');
      const { expected, what } = confirmationAnswer(identity);
      let answer: string;
      try {
        answer = await confirmation.prompt(confirmationQuestion(identity));
      } catch (err) {
        return refuse(
          'ERR_GUARD_UNCONFIRMED',
          `no confirmation typed for ${identity.path} (${err instanceof Error ? err.message : String(err)})`,
        );
      }
      // Surrounding whitespace (a stray CR or space) is forgiven; anything else must match exactly.
      if (answer.trim() !== expected)
        return refuse(
          'ERR_GUARD_UNCONFIRMED',
          `the typed ${what} does not match ${identity.path}; nothing was written`,
        );
      return pass(`${what} typed`);
    },
  },
] as const satisfies readonly Guard[];

export type GuardId = (typeof GUARDS)[number]['id'];

// What the user must type to confirm: the serial when the device has one, else the path as given.
export function confirmationAnswer(identity: DeviceIdentity): { expected: string; what: 'serial number' | 'path' } {
  return identity.serial !== null
    ? { expected: identity.serial, what: 'serial number' }
    : { expected: identity.path, what: 'path' };
}

// The question asked on the terminal; names the target, its size and model, never the serial itself.
export function confirmationQuestion(identity: DeviceIdentity): string {
  const facts = [identity.model, `${identity.sizeBytes} bytes`].filter(Boolean).join(', ');
  const { expected, what } = confirmationAnswer(identity);
  return what === 'path'
    ? `This will irreversibly overwrite ${identity.path} (${facts}). Type ${expected} to confirm: `
    : `This will irreversibly overwrite ${identity.path} (${facts}). Type its serial number (see \`cleanslate devices\`) to confirm: `;
}

function pass(note?: string): GuardOutcome {
  return note === undefined ? { verdict: 'pass' } : { verdict: 'pass', note };
}

function refuse(code: ErrorCode, reason: string): GuardOutcome {
  return { verdict: 'refuse', code, reason };
}

// The mount a file lives on: same st_dev, longest mount point that prefixes its path.
function mountOfFile(identity: DeviceIdentity, mounts: readonly MountEntry[]): MountEntry | undefined {
  const dev = /^ino:(\d+):\d+$/.exec(identity.statKey)?.[1];
  if (dev === undefined) return undefined;
  const { major, minor } = decodeDeviceNumber(BigInt(dev));
  const majorMinor = `${major}:${minor}`;
  const candidates = mounts.filter((m) => m.majorMinor === majorMinor);
  const containing = candidates.filter(
    (m) =>
      m.mountPoint === '/' || identity.realPath === m.mountPoint || identity.realPath.startsWith(`${m.mountPoint}/`),
  );
  return [...(containing.length > 0 ? containing : candidates)].sort(
    (a, b) => b.mountPoint.length - a.mountPoint.length,
  )[0];
}
