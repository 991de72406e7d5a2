// Resolves a method into the exact passes of one run: random bytes chosen, AES keys derived and
// Gutmann's fixed passes shuffled, all from one per-run seed, so the plan can be rebuilt from it.
import { createHash, createHmac } from 'node:crypto';
import type { PassSpec, PlannedPass, PlannedPattern, WipeMethod, WipePlan } from '../types.js';

/** Length of a run seed in bytes. */
export const SEED_BYTES = 32;

// Derives 32 bytes for one purpose from the run seed (HMAC-SHA256, purpose as the message).
function derive(seed: Uint8Array, purpose: string): Buffer {
  return createHmac('sha256', seed).update(`cleanslate/v1/${purpose}`).digest();
}

// A deterministic Fisher-Yates shuffle driven by the seed.
function shuffleWithSeed<T>(items: readonly T[], seed: Uint8Array): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = derive(seed, `shuffle/${i}`).readUInt32BE(0) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const hex = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;

// Turns a method and a seed into a WipePlan; pure, the same inputs always give the same plan.
export function planWipe(method: WipeMethod, seed: Uint8Array, verify?: WipePlan['verify']): WipePlan {
  let specs: readonly PassSpec[] = method.passes;
  if (method.shuffle) {
    const { from, to } = method.shuffle;
    specs = [...specs.slice(0, from), ...shuffleWithSeed(specs.slice(from, to), seed), ...specs.slice(to)];
  }
  const named = new Map<string, number>();
  const passes: PlannedPass[] = specs.map((spec, i) => {
    const index = i + 1;
    let pattern: PlannedPattern;
    let describe: string;
    switch (spec.fill) {
      case 'bytes':
        pattern = { kind: 'bytes', bytes: [...spec.bytes] };
        describe = spec.bytes.map(hex).join(' ');
        break;
      case 'random-byte': {
        const byte = derive(seed, `random-byte/${spec.as}`)[0] as number;
        named.set(spec.as, byte);
        pattern = { kind: 'bytes', bytes: [byte] };
        describe = `random byte ${hex(byte)}`;
        break;
      }
      case 'complement': {
        const of = named.get(spec.of);
        if (of === undefined) throw new Error(`method ${method.id}: complement of unknown pass '${spec.of}'`);
        const byte = ~of & 0xff;
        pattern = { kind: 'bytes', bytes: [byte] };
        describe = `complement ${hex(byte)}`;
        break;
      }
      case 'random':
        pattern = { kind: 'aes-ctr', keyHex: derive(seed, `aes-ctr/pass/${index}`).toString('hex') };
        describe = 'aes-256-ctr';
        break;
    }
    return { index, pattern, describe };
  });
  return {
    methodId: method.id,
    methodType: method.methodType,
    passes,
    verify: verify ?? method.verify,
    seedCommitment: createHash('sha256').update(seed).digest('hex'),
  };
}

// Names the passes of a method as a short sequence for tables ("r, ~r, R").
export function describePassSpecs(passes: readonly PassSpec[]): string {
  return passes
    .map((p) => {
      switch (p.fill) {
        case 'bytes':
          return p.bytes.map(hex).join(' ');
        case 'random':
          return 'R';
        case 'random-byte':
          return `r(${p.as})`;
        case 'complement':
          return `~r(${p.of})`;
      }
    })
    .join(', ');
}
