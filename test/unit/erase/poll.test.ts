// pollUntilComplete on scripted readings: completion only on "completed", and the same messages for
// failure, deadline and abort whether the abort lands between reads or during one.
import { describe, expect, it } from 'vitest';
import { pollUntilComplete, type PollOptions, type StatusReading } from '../../../src/erase/poll.js';

const reading = (state: StatusReading['state'], percent: number | null = null): StatusReading => ({
  state,
  percent,
  message: state,
  fields: { state },
});

// Poll options reading the given states in turn (the last one repeats).
const scripted = (states: StatusReading[], extra: Partial<PollOptions> = {}): PollOptions => {
  let i = 0;
  return {
    read: async () => states[Math.min(i++, states.length - 1)] as StatusReading,
    intervalMs: 1,
    timeoutMs: 1000,
    target: '/dev/x',
    operation: 'sanitize (crypto-erase)',
    statusCommand: 'status /dev/x',
    ...extra,
  };
};

describe('pollUntilComplete', () => {
  it('keeps polling through pending and in-progress and reports progress', async () => {
    const progress: number[] = [];
    const result = await pollUntilComplete(
      scripted([reading('pending'), reading('in-progress', 10), reading('in-progress', 60), reading('completed')], {
        onProgress: (p) => progress.push(p.percent),
      }),
    );
    expect(result.polls).toBe(4);
    expect(progress).toEqual([10, 60]);
  });

  it('rejects ERR_ERASE_FAILED on a failed reading', async () => {
    await expect(pollUntilComplete(scripted([reading('failed')]))).rejects.toMatchObject({ code: 'ERR_ERASE_FAILED' });
  });

  it('rejects ERR_ERASE_TIMEOUT at the deadline and says how to check', async () => {
    const error = await pollUntilComplete(scripted([reading('in-progress', 1)], { timeoutMs: 20 })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ERR_ERASE_TIMEOUT' });
    expect((error as Error).message).toMatch(/check with status \/dev\/x/);
  });

  it('rejects ERR_INTERRUPTED when the abort lands during a read', async () => {
    const controller = new AbortController();
    const options = scripted([], {
      signal: controller.signal,
      read: async () => {
        controller.abort();
        throw new Error('child killed');
      },
    });
    const error = await pollUntilComplete(options).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_INTERRUPTED' });
    expect((error as Error).message).toMatch(/keeps erasing/);
  });
});
