// A Target that counts writes and drops them (restic's dry run, wipefs --no-act); reads, sync and
// close pass through, so everything but the writes really happens.
import type { Target } from '../types.js';

export type DryRunTarget = Target & { readonly bytesDropped: number };

// Wraps target so no write reaches it; bytesDropped counts what would have been written.
export function dryRunTarget(target: Target): DryRunTarget {
  let dropped = 0;
  return {
    path: target.path,
    kind: target.kind,
    sizeBytes: target.sizeBytes,
    direct: target.direct,
    alignment: target.alignment,
    writable: target.writable,
    statKey: target.statKey,
    get bytesDropped() {
      return dropped;
    },
    async write(buf, offset) {
      // Report what the device would have taken: nothing past its end.
      const n = Math.max(0, Math.min(buf.length, target.sizeBytes - offset));
      dropped += n;
      return n;
    },
    read: (buf, offset) => target.read(buf, offset),
    sync: async () => undefined,
    close: () => target.close(),
  };
}
