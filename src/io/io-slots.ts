// A counting semaphore for transfers in flight. Passes run one more lane than slots, so the main
// thread fills or checks one buffer while `inFlight` transfers run: on a tmpfs-backed loop device
// more concurrent transfers than that only contend (measured), on real disks they queue.

export interface IoSlots {
  /** Waits for a free slot, runs fn, frees the slot. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

// Creates a semaphore admitting `count` transfers at once, in FIFO order.
export function createIoSlots(count: number): IoSlots {
  let free = count;
  const waiting: Array<() => void> = [];
  return {
    async run(fn) {
      if (free > 0) free -= 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await fn();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free += 1;
      }
    },
  };
}
