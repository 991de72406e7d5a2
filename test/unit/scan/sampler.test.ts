import { describe, expect, test } from 'vitest';
import { planSample, samplesFor, SAMPLE_BLOCK } from '../../../src/scan/sampler.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const seq = () => {
  let x = 12345;
  return (max: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % max;
  };
};

describe('samplesFor', () => {
  test('(1 − p)^n ≤ α with the smallest such n', () => {
    const n = samplesFor(0.99, 0.001);
    expect(n).toBe(4603);
    expect((1 - 0.001) ** n).toBeLessThanOrEqual(0.01);
    expect((1 - 0.001) ** (n - 1)).toBeGreaterThan(0.01);
  });

  test.for([
    [0, 0.1],
    [1, 0.1],
    [0.99, 0],
    [0.99, 1],
    [Number.NaN, 0.1],
  ])('rejects confidence %d, fraction %d', ([c, p]) => {
    expect(() => samplesFor(c!, p!)).toThrow(RangeError);
  });
});

describe('planSample', () => {
  test('always reads the first 4 MiB, the last 1 MiB and the btrfs mirror at 64 MiB', () => {
    const size = 10 * GiB;
    const plan = planSample(size, { random: seq() });
    const covers = (at: number) => plan.extents.some((e) => e.offset <= at && at < e.offset + e.length);
    for (let at = 0; at < 4 * MiB; at += SAMPLE_BLOCK) expect(covers(at)).toBe(true);
    for (let at = size - MiB; at < size; at += SAMPLE_BLOCK) expect(covers(at)).toBe(true);
    expect(covers(64 * MiB)).toBe(true);
  });

  test('n uniform samples plus one per stratum; extents sorted, aligned, at most 1 MiB, inside the device', () => {
    const size = 10 * GiB + 512;
    const plan = planSample(size, { random: seq() });
    expect(plan.samples).toBe(4603);
    expect(plan.blocks).toBeGreaterThan(4603 + 1280);
    let last = -1;
    for (const e of plan.extents) {
      expect(e.offset % SAMPLE_BLOCK).toBe(0);
      expect(e.offset).toBeGreaterThan(last);
      expect(e.length).toBeLessThanOrEqual(MiB);
      expect(e.offset + e.length).toBeLessThanOrEqual(size);
      last = e.offset;
    }
    // stratified: every tenth of the device holds samples
    for (let tenth = 0; tenth < 10; tenth++) {
      const from = (tenth * size) / 10;
      const to = ((tenth + 1) * size) / 10;
      expect(plan.extents.filter((e) => e.offset >= from && e.offset < to).length).toBeGreaterThan(100);
    }
  });

  test('states the claim with n', () => {
    const plan = planSample(GiB, { confidence: 0.95, residueFraction: 0.01, random: seq() });
    expect(plan.samples).toBe(299);
    expect(plan.claim).toContain('≥ 1% of the device');
    expect(plan.claim).toContain('probability ≥ 95%');
    expect(plan.claim).toContain('n = 299');
  });

  test('a device smaller than the sample is read whole', () => {
    const plan = planSample(8 * MiB, { random: seq() });
    expect(plan.extents.reduce((s, e) => s + e.length, 0)).toBe(8 * MiB);
  });
});
