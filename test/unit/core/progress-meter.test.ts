import { expect, test } from 'vitest';
import { createProgressMeter, rateOf } from '../../../src/core/progress-meter.js';
import type { ProgressEvent } from '../../../src/types.js';

test('emits at most one event per interval, always the last one, with a rate', () => {
  let t = 0;
  const events: ProgressEvent[] = [];
  const meter = createProgressMeter(
    (e) => events.push(e),
    { type: 'pass.progress', target: 't', pass: 1, passes: 1, totalBytes: 1000 },
    { intervalMs: 100, now: () => t },
  );
  for (let i = 1; i <= 10; i++) {
    t = i * 30;
    meter(i * 100);
  }
  expect(events.map((e) => (e.type === 'pass.progress' ? e.bytes : -1))).toEqual([100, 500, 900, 1000]);
  expect(events.at(-1)).toMatchObject({ bytesPerSecond: Math.round((1000 * 1000) / 300) });
});

test('rateOf guards a zero duration', () => {
  expect(rateOf(1000, 0)).toBe(1_000_000);
  expect(rateOf(1e9, 1000)).toBe(1e9);
});
