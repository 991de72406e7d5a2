// The devices use case: every block device with its identity and the guards' verdict.
import { discoverDevices, readSystemState } from '../devices/index.js';
import { evaluateGuards } from '../guards/index.js';
import type { DeviceIdentity, DeviceListing } from '../types.js';

type SystemState = Awaited<ReturnType<typeof readSystemState>>;

// Eligible, or the first reason not to wipe: no medium (size 0), then the guards in table order.
async function verdictOf(identity: DeviceIdentity, system: SystemState): Promise<DeviceListing['verdict']> {
  if (identity.sizeBytes === 0)
    return { eligible: false, guard: 'not-empty', reason: 'size 0: no medium, or a detached loop device' };
  const outcomes = await evaluateGuards(identity, { system });
  for (const { id, outcome } of outcomes) {
    if (outcome.verdict === 'refuse') return { eligible: false, guard: id, reason: outcome.reason };
  }
  return { eligible: true };
}

// Lists block devices with a verdict: eligible, or the first guard that refuses and why.
export async function listDevices(): Promise<DeviceListing[]> {
  const [devices, system] = await Promise.all([discoverDevices(), readSystemState()]);
  const listings: DeviceListing[] = [];
  for (const device of devices) {
    listings.push({
      identity: device.identity,
      type: device.type,
      mountpoints: device.mountpoints,
      holders: device.holders,
      verdict: await verdictOf(device.identity, system),
    });
  }
  return listings;
}
