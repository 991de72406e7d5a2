// Shared steps of the guard integration tests: filesystems and mounts on OUR loop devices only,
// always unmounted in finally. Nothing here touches a device the test did not create.
import { execa } from 'execa';
import { existsSync, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIdentity, readSystemState, resolveTarget } from '../../../src/devices/index.js';
import { runGuards, type Confirmation, type GuardOutcome, type GuardResult } from '../../../src/guards/index.js';
import type { DeviceIdentity } from '../../../src/types.js';

// A loop device name as created by withLoopDevice; refuses anything else, as a last line of defence.
export function assertOwnLoop(device: string): void {
  if (!/^\/dev\/loop\d+(p\d+)?$/.test(device)) throw new Error(`refusing to touch ${device}: not a loop device`);
}

// mkfs.ext4 on one of our loop devices (or their partitions).
export async function makeExt4(device: string): Promise<void> {
  assertOwnLoop(device);
  await execa('mkfs.ext4', ['-q', '-F', device]);
}

// Mounts device on a fresh temporary directory, runs fn, and always unmounts and removes the directory.
export async function withMount<T>(
  device: string,
  fn: (mountPoint: string) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  assertOwnLoop(device);
  const mountPoint = mkdtempSync(join(tmpdir(), 'cleanslate-mnt-'));
  try {
    await execa('mount', [...(options.readOnly ? ['-o', 'ro'] : []), device, mountPoint]);
    try {
      return await fn(mountPoint);
    } finally {
      await unmount(mountPoint);
    }
  } finally {
    rmdirSync(mountPoint);
  }
}

async function unmount(mountPoint: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    if ((await execa('umount', [mountPoint], { reject: false })).exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`could not unmount ${mountPoint}`);
}

// Waits for a device node (partitions appear shortly after losetup --partscan when udev is absent).
export async function waitForPath(path: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (existsSync(path)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${path} did not appear`);
}

// Makes the kernel see the partitions of one of our loop devices. On this kernel (6.18) losetup
// --partscan sets the flag but no partitions appear; `partx --add` (BLKPG, reads the table, writes
// nothing to the device) registers them.
export async function ensurePartitions(device: string, count: number): Promise<string[]> {
  assertOwnLoop(device);
  const paths = Array.from({ length: count }, (_, i) => `${device}p${i + 1}`);
  for (let attempt = 0; attempt < 10 && !paths.every((p) => existsSync(p)); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!paths.every((p) => existsSync(p))) await execa('partx', ['--add', device]);
  for (const path of paths) await waitForPath(path);
  return paths;
}

// resolveTarget + readIdentity: what the wipe use case does before the guards.
export async function identityOf(path: string): Promise<DeviceIdentity> {
  return readIdentity(await resolveTarget(path));
}

// Fresh system state and every guard, as runWipe would run them (confirmed with --yes unless given).
export async function guardsFor(
  identity: DeviceIdentity,
  confirmation: Confirmation = { yes: true, interactive: false },
): Promise<GuardResult[]> {
  return runGuards(identity, { system: await readSystemState(), confirmation });
}

export function outcomeOf(results: readonly GuardResult[], id: string): GuardOutcome | undefined {
  return results.find((r) => r.id === id)?.outcome;
}

export function refusedIds(results: readonly GuardResult[]): string[] {
  return results.filter((r) => r.outcome.verdict === 'refuse').map((r) => r.id);
}
