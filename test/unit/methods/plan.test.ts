import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { findMethod, planWipe, WIPE_METHODS } from '../../../src/methods/index.js';
import type { WipeMethod } from '../../../src/types.js';

const seedA = new Uint8Array(32).fill(1);
const seedB = new Uint8Array(32).fill(2);
const method = (id: string): WipeMethod => {
  const m = findMethod(id);
  if (!m) throw new Error(id);
  return m;
};

describe('planWipe', () => {
  test.for(WIPE_METHODS.map((m) => [m.id, m.passes.length] as const))('%s has %i passes', ([id, n]) => {
    const plan = planWipe(method(id), seedA);
    expect(plan.passes).toHaveLength(n);
    expect(plan.passes.map((p) => p.index)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });

  test('the exact pass counts of DESIGN §4', () => {
    const counts = Object.fromEntries(WIPE_METHODS.map((m) => [m.id, m.passes.length]));
    expect(counts).toEqual({
      zero: 1,
      one: 1,
      random: 1,
      'nist-clear': 1,
      'dod-3': 3,
      'dod-7': 7,
      'hmg-is5-enhanced': 3,
      vsitr: 7,
      schneier: 7,
      gutmann: 35,
    });
  });

  test('dod-3 is r, ~r, R', () => {
    const [p1, p2, p3] = planWipe(method('dod-3'), seedA).passes;
    expect(p1?.pattern.kind).toBe('bytes');
    const r = p1?.pattern.kind === 'bytes' ? p1.pattern.bytes[0]! : -1;
    expect(p2?.pattern).toEqual({ kind: 'bytes', bytes: [~r & 0xff] });
    expect(p3?.pattern.kind).toBe('aes-ctr');
  });

  test('dod-7 is r1, ~r1, R, r2, r3, ~r3, R with independent random bytes', () => {
    const passes = planWipe(method('dod-7'), seedA).passes;
    const kinds = passes.map((p) => p.pattern.kind);
    expect(kinds).toEqual(['bytes', 'bytes', 'aes-ctr', 'bytes', 'bytes', 'bytes', 'aes-ctr']);
    const byte = (i: number) => {
      const p = passes[i]!.pattern;
      return p.kind === 'bytes' ? p.bytes[0]! : -1;
    };
    expect(byte(1)).toBe(~byte(0) & 0xff);
    expect(byte(5)).toBe(~byte(4) & 0xff);
  });

  test('fixed methods use their exact bytes', () => {
    const bytes = (id: string) =>
      planWipe(method(id), seedA).passes.map((p) => (p.pattern.kind === 'bytes' ? p.pattern.bytes : 'R'));
    expect(bytes('zero')).toEqual([[0x00]]);
    expect(bytes('one')).toEqual([[0xff]]);
    expect(bytes('nist-clear')).toEqual([[0x00]]);
    expect(bytes('hmg-is5-enhanced')).toEqual([[0x00], [0xff], 'R']);
    expect(bytes('vsitr')).toEqual([[0x00], [0xff], [0x00], [0xff], [0x00], [0xff], [0xaa]]);
    expect(bytes('schneier')).toEqual([[0xff], [0x00], 'R', 'R', 'R', 'R', 'R']);
  });

  test('every R pass of a run has its own key', () => {
    const keys = planWipe(method('schneier'), seedA).passes.flatMap((p) =>
      p.pattern.kind === 'aes-ctr' ? [p.pattern.keyHex] : [],
    );
    expect(keys).toHaveLength(5);
    expect(new Set(keys).size).toBe(5);
    expect(keys.every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true);
  });

  test('gutmann: R×4, the 27 fixed patterns shuffled by the seed, R×4', () => {
    const plan = planWipe(method('gutmann'), seedA);
    const kinds = plan.passes.map((p) => p.pattern.kind);
    expect(kinds.slice(0, 4)).toEqual(Array(4).fill('aes-ctr'));
    expect(kinds.slice(31)).toEqual(Array(4).fill('aes-ctr'));
    const middle = (seed: Uint8Array) =>
      planWipe(method('gutmann'), seed)
        .passes.slice(4, 31)
        .map((p) => p.describe);
    const canonical = method('gutmann')
      .passes.slice(4, 31)
      .map((p) => (p.fill === 'bytes' ? p.bytes.map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ') : '?'));
    expect([...middle(seedA)].sort()).toEqual([...canonical].sort());
    expect(middle(seedA)).toEqual(middle(seedA));
    expect(middle(seedA)).not.toEqual(middle(seedB));
  });

  test('the seed commitment is sha256(seed), and the plan is a pure function of the seed', () => {
    const plan = planWipe(method('dod-7'), seedA);
    expect(plan.seedCommitment).toBe(createHash('sha256').update(seedA).digest('hex'));
    expect(planWipe(method('dod-7'), seedA)).toEqual(plan);
    expect(planWipe(method('dod-7'), seedB)).not.toEqual(plan);
  });

  test('verify defaults to the method and can be overridden', () => {
    expect(planWipe(method('zero'), seedA).verify).toBe('last');
    expect(planWipe(method('zero'), seedA, 'all').verify).toBe('all');
  });
});
