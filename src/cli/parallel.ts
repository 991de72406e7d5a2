// Scheduling for `wipe --parallel N`: N slots taken first come first served, a bounded map that
// keeps item order and lets one rejection leave the rest running, and a confirmation round that
// asks one question at a time, in item order, before any run goes on.

/** N slots taken in arrival order; each holder MUST call its release function exactly once. */
export interface Slots {
  /** Resolves a release function once a slot is free; rejects with signal.reason if the signal aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Slots held right now (for tests and progress lines). */
  readonly active: number;
}

// Creates `limit` slots (limit ≥ 1) handed out first come, first served.
export function createSlots(limit: number): Slots {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new RangeError(`slot limit must be an integer ≥ 1, not ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const releaser = (): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    };
  };
  return {
    get active() {
      return active;
    },
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      if (active < limit) {
        active += 1;
        return Promise.resolve(releaser());
      }
      return new Promise((resolve, reject) => {
        // the slot passes straight from the releasing holder to this waiter: `active` stays the same
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(releaser());
        };
        const onAbort = () => {
          const at = waiting.indexOf(grant);
          if (at !== -1) waiting.splice(at, 1);
          reject(abortReason(signal!));
        };
        waiting.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

/** What runLimited hands each run besides its item. */
export interface RunTurn {
  /** Asks the run's confirmation question. With confirmFirst: waits until the runs before it have
   *  asked (or ended), asks, waits until every run has asked (or ended), then waits for a slot, and
   *  only then resolves the answer. Otherwise the run already holds its slot and just asks. */
  confirm(ask: () => Promise<string>): Promise<string>;
}

export interface RunLimitedOptions {
  /** Runs at once, ≥ 1. */
  limit: number;
  /** Aborting rejects the runs still waiting for a slot (with signal.reason); running ones get it too. */
  signal?: AbortSignal | undefined;
  /** Every run starts at once and takes its slot in confirm(): all questions come first, in item
   *  order, then at most `limit` runs go on. A run that never calls confirm() needs no slot. @default false */
  confirmFirst?: boolean;
}

// Runs fn on every item with at most `limit` running at once, starting them in item order. Never
// rejects: the results are in item order, and a rejection does not stop the other items. A run
// aborted while it waited for a slot is rejected with the signal's reason and fn is never called.
export async function runLimited<T, R>(
  items: readonly T[],
  options: RunLimitedOptions,
  fn: (item: T, index: number, turn: RunTurn) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const slots = createSlots(options.limit);
  const round = options.confirmFirst ? createConfirmationRound(items.length, options.signal) : undefined;
  return Promise.allSettled(
    items.map(async (item, index) => {
      let release: (() => void) | undefined;
      try {
        if (!round) {
          release = await slots.acquire(options.signal);
          return await fn(item, index, { confirm: (ask) => ask() });
        }
        return await fn(item, index, {
          confirm: async (ask) => {
            const answer = await round.ask(index, ask);
            release ??= await slots.acquire(options.signal);
            return answer;
          },
        });
      } finally {
        round?.settle(index);
        release?.();
      }
    }),
  );
}

/** One confirmation per run, asked one at a time in run order, all before any run proceeds. */
export interface ConfirmationRound {
  /** Waits for the runs before `index` to have asked (or ended), asks, then waits for every run to
   *  have asked (or ended) before resolving the answer. */
  ask(index: number, question: () => Promise<string>): Promise<string>;
  /** Run `index` ended (or will never ask): the runs after it need not wait for it. Idempotent. */
  settle(index: number): void;
}

// A confirmation round for `count` runs. A run that fails before its question (a bad path, a guard
// refusal) settles and the round goes on without it. With signal aborted, waiting runs reject.
export function createConfirmationRound(count: number, signal?: AbortSignal): ConfirmationRound {
  const done = Array.from({ length: count }, () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  });
  const aborted = new Promise<never>((_, reject) => {
    if (signal?.aborted) reject(abortReason(signal));
    else signal?.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
  });
  aborted.catch(() => undefined);
  const until = (promises: Promise<void>[]) => Promise.race([Promise.all(promises), aborted]);
  return {
    async ask(index, question) {
      let answer: string;
      try {
        await until(done.slice(0, index).map((d) => d.promise));
        answer = await question();
      } finally {
        done[index]?.resolve();
      }
      await until(done.map((d) => d.promise));
      return answer;
    },
    settle(index) {
      done[index]?.resolve();
    },
  };
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}
