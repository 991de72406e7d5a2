import { describe, expect, test } from 'vitest';
import { createConfirmationRound, createSlots, runLimited } from '../../../src/cli/parallel.js';

const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('runLimited', () => {
  test.for([1, 2, 3, 8])('never runs more than %i at once, and runs them all', async (limit) => {
    let running = 0;
    let peak = 0;
    const items = Array.from({ length: 12 }, (_, i) => i);
    const results = await runLimited(items, { limit }, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      await tick(1 + ((item * 7) % 5));
      running -= 1;
      return item * 10;
    });
    expect(peak).toBe(Math.min(limit, items.length));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : null))).toEqual(items.map((i) => i * 10));
  });

  test('results are in item order whatever order they finish in', async () => {
    const delays = [30, 1, 20, 5, 10];
    const finished: number[] = [];
    const results = await runLimited(delays, { limit: 5 }, async (ms, i) => {
      await tick(ms);
      finished.push(i);
      return i;
    });
    expect(finished).not.toEqual([0, 1, 2, 3, 4]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : -1))).toEqual([0, 1, 2, 3, 4]);
  });

  test('a rejection does not stop the others, and its slot goes to the next item', async () => {
    const started: number[] = [];
    const results = await runLimited([0, 1, 2, 3, 4], { limit: 2 }, async (i) => {
      started.push(i);
      await tick(1);
      if (i === 1 || i === 3) throw new Error(`bad ${i}`);
      return i;
    });
    expect(started.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[3] as PromiseRejectedResult).reason).toEqual(new Error('bad 3'));
  });

  test('a synchronous throw is a rejection too', async () => {
    const results = await runLimited([1, 2], { limit: 1 }, (i) => {
      if (i === 1) throw new Error('sync');
      return Promise.resolve(i);
    });
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
  });

  test('starts in item order', async () => {
    const started: number[] = [];
    await runLimited([0, 1, 2, 3, 4, 5], { limit: 2 }, async (i) => {
      started.push(i);
      await tick(6 - i);
    });
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('a run aborted while it waits for a slot is rejected with the reason and never called', async () => {
    const controller = new AbortController();
    const called: number[] = [];
    const reason = new Error('interrupted by SIGINT');
    const results = await runLimited([0, 1, 2], { limit: 1, signal: controller.signal }, async (i) => {
      called.push(i);
      controller.abort(reason);
      await tick(1);
      return i;
    });
    expect(called).toEqual([0]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toBe(reason);
  });

  test('confirmFirst: every question first, in item order, then at most limit runs at once', async () => {
    const log: string[] = [];
    let running = 0;
    let peak = 0;
    const results = await runLimited([0, 1, 2, 3, 4], { limit: 2, confirmFirst: true }, async (i, _index, turn) => {
      await tick((5 - i) * 2); // later items reach their question first
      const answer = await turn.confirm(async () => {
        log.push(`ask ${i}`);
        await tick(1);
        return `yes ${i}`;
      });
      log.push(`run ${i}`);
      running += 1;
      peak = Math.max(peak, running);
      await tick(3);
      running -= 1;
      return answer;
    });
    expect(log.slice(0, 5)).toEqual(['ask 0', 'ask 1', 'ask 2', 'ask 3', 'ask 4']);
    expect(peak).toBe(2);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : null))).toEqual([
      'yes 0',
      'yes 1',
      'yes 2',
      'yes 3',
      'yes 4',
    ]);
  });

  test('confirmFirst: a run that fails before its question does not hold up the round', async () => {
    const asked: number[] = [];
    const results = await runLimited([0, 1, 2], { limit: 3, confirmFirst: true }, async (i, _index, turn) => {
      if (i === 0) throw new Error('no such device');
      await turn.confirm(async () => {
        asked.push(i);
        return 'ok';
      });
      return i;
    });
    expect(asked).toEqual([1, 2]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
  });
});

describe('createSlots', () => {
  test('rejects a limit below 1 or not an integer', () => {
    expect(() => createSlots(0)).toThrow(RangeError);
    expect(() => createSlots(1.5)).toThrow(RangeError);
  });

  test('first come, first served; release is idempotent', async () => {
    const slots = createSlots(1);
    const first = await slots.acquire();
    const order: string[] = [];
    const b = slots.acquire().then((r) => (order.push('b'), r));
    const c = slots.acquire().then((r) => (order.push('c'), r));
    expect(slots.active).toBe(1);
    first();
    first();
    const releaseB = await b;
    expect(order).toEqual(['b']);
    releaseB();
    (await c)();
    expect(order).toEqual(['b', 'c']);
    expect(slots.active).toBe(0);
  });

  test('an abort rejects waiters with the reason and leaves holders alone', async () => {
    const slots = createSlots(1);
    const controller = new AbortController();
    const held = await slots.acquire(controller.signal);
    const waiting = slots.acquire(controller.signal);
    const reason = new Error('interrupted by SIGINT');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(slots.acquire(controller.signal)).rejects.toBe(reason);
    held();
    expect(slots.active).toBe(0);
    const again = await slots.acquire();
    again();
  });
});

describe('createConfirmationRound', () => {
  test('asks one at a time in run order, and nobody proceeds before all have asked', async () => {
    const round = createConfirmationRound(3);
    const log: string[] = [];
    let asking = 0;
    const question = (i: number) => async () => {
      asking += 1;
      expect(asking).toBe(1);
      log.push(`ask ${i}`);
      await tick(5);
      asking -= 1;
      return `answer ${i}`;
    };
    // run 2 reaches its question first, run 0 last
    const runs = [2, 1, 0].map(async (i) => {
      await tick((2 - i) * 3);
      const answer = await round.ask(i, question(i));
      log.push(`go ${i}`);
      return answer;
    });
    const answers = await Promise.all(runs);
    expect(answers).toEqual(['answer 2', 'answer 1', 'answer 0']);
    expect(log.slice(0, 3)).toEqual(['ask 0', 'ask 1', 'ask 2']);
    expect(log.slice(3).sort()).toEqual(['go 0', 'go 1', 'go 2']);
  });

  test('a run that ends before its question does not hold up the others', async () => {
    const round = createConfirmationRound(3);
    round.settle(1); // e.g. a bad path: refused before any question
    const answers = await Promise.all([round.ask(0, async () => 'a'), round.ask(2, async () => 'c')]);
    expect(answers).toEqual(['a', 'c']);
  });

  test('a question that fails still lets the next one be asked', async () => {
    const round = createConfirmationRound(2);
    const first = round.ask(0, async () => {
      throw new Error('no terminal');
    });
    await expect(first).rejects.toThrow('no terminal');
    await expect(round.ask(1, async () => 'b')).resolves.toBe('b');
  });

  test('an abort rejects runs still waiting for their turn', async () => {
    const controller = new AbortController();
    const round = createConfirmationRound(2, controller.signal);
    const second = round.ask(1, async () => 'never');
    const reason = new Error('interrupted');
    controller.abort(reason);
    await expect(second).rejects.toBe(reason);
  });
});
