// The block devices a target consists of (itself and its partitions), as the guards match them.
import type { BlockNode, Input, SystemState } from '../devices/index.js';
import { SYSTEM_STATE_SOURCES } from '../devices/index.js';
import type { DeviceIdentity } from '../types.js';

export interface Member {
  name: string;
  /** null when a partition listed in the identity is gone from sysfs (matched by path only). */
  majorMinor: string | null;
  /** How messages name it: the target's path, or "/dev/loop0p1 (a partition of /dev/loop0)". */
  label: string;
  node: BlockNode | null;
}

// Thrown inside a check when an input is missing; the runner turns it into ERR_GUARD_UNDECIDABLE.
export class UndecidableInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndecidableInputError';
  }
}

// The value of a SystemState input; throws UndecidableInputError when it could not be read.
export function valueOf<K extends keyof SystemState>(
  system: SystemState,
  key: K,
): SystemState[K] extends Input<infer T> ? T : never {
  const input = system[key] as Input<unknown>;
  if (!input.ok) throw new UndecidableInputError(input.error);
  return input.value as SystemState[K] extends Input<infer T> ? T : never;
}

// The target's own node plus its partitions (from sysfs now, and from the identity read earlier).
export function membersOf(identity: DeviceIdentity, nodes: readonly BlockNode[]): Member[] {
  const own = nodes.find((node) => node.name === identity.name);
  if (!own || identity.name === null) {
    throw new UndecidableInputError(
      `${identity.realPath} (${identity.name ?? '?'}) is not in ${SYSTEM_STATE_SOURCES.blockDevices}`,
    );
  }
  const members: Member[] = [{ name: own.name, majorMinor: own.majorMinor, label: identity.path, node: own }];
  const partitionNames = new Set([
    ...nodes.filter((node) => node.parent === own.name).map((node) => node.name),
    ...identity.partitions,
  ]);
  for (const name of partitionNames) {
    const node = nodes.find((n) => n.name === name) ?? null;
    members.push({
      name,
      majorMinor: node?.majorMinor ?? null,
      label: `/dev/${name} (a partition of ${identity.path})`,
      node,
    });
  }
  return members;
}

// The paths by which tools (df, /proc/swaps) may name a member.
export function pathsOf(member: Member, identity: DeviceIdentity): string[] {
  const paths = [`/dev/${member.name}`];
  if (member.name === identity.name) paths.push(identity.path, identity.realPath);
  return paths;
}
