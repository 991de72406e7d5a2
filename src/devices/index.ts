/**
 * devices: what is this target, and what is the system doing with it? Resolves TARGET arguments,
 * reads identities (sysfs, lsblk, stat), discovers block devices, and gathers the system state the
 * guards decide on (mountinfo, /proc/swaps, node-disk-info, loop backing files, the sysfs block graph).
 *
 * Read-only by construction: nothing here opens a target for writing.
 * May import: exec (lsblk), node-disk-info (only here), node:fs / node:path / node:crypto, errors, types.
 * Must not import: io, erase, core, cli, guards.
 */
export { resolveTarget, type ResolvedTarget } from './resolve-target.js';
export { readIdentity, computeDeviceId, type ReadIdentityOptions } from './identity.js';
export { discoverDevices, collectMountpoints, type DiscoveredDevice } from './discover.js';
export {
  readSystemState,
  deriveSystemDisks,
  SYSTEM_STATE_SOURCES,
  type SystemState,
  type Input,
  type MountedFilesystem,
  type ReadSystemStateOptions,
} from './system-state.js';
export { readHolders, type Holder } from './holders.js';
export { readBlockTopology, partitionsOf, type BlockNode } from './block-topology.js';
export { readLoopAttachments, readStatKey, type LoopAttachment } from './loops.js';
export { findSystemDisks, type SystemDisk } from './system-disks.js';
export { parseMountinfo, type MountEntry } from './mountinfo.js';
export { parseProcSwaps, type SwapEntry } from './swaps.js';
export { parseLsblkJson, readLsblk, LSBLK_COLUMNS, type LsblkDevice } from './lsblk.js';
export { decodeDeviceNumber, formatMajorMinor, type DeviceNumber } from './device-number.js';
export { canonicalJson } from './canonical-json.js';
