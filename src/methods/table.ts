/**
 * The method table of DESIGN §4. The engine interprets it; `methods`, `--help` and the README print
 * it. One entry = one method; each cites its source. Ids are stable: deprecate, never rename.
 */
import type { PassSpec, WipeMethod } from '../types.js';

const fixed = (...bytes: number[]): PassSpec => ({ fill: 'bytes', bytes });
const RANDOM: PassSpec = { fill: 'random' };

// Gutmann (1996), table 3, passes 5-31: the 27 deterministic patterns (MFM/RLL encodings).
const GUTMANN_FIXED: PassSpec[] = [
  fixed(0x55),
  fixed(0xaa),
  fixed(0x92, 0x49, 0x24),
  fixed(0x49, 0x24, 0x92),
  fixed(0x24, 0x92, 0x49),
  ...Array.from({ length: 16 }, (_, i) => fixed(i * 0x11)),
  fixed(0x92, 0x49, 0x24),
  fixed(0x49, 0x24, 0x92),
  fixed(0x24, 0x92, 0x49),
  fixed(0x6d, 0xb6, 0xdb),
  fixed(0xb6, 0xdb, 0x6d),
  fixed(0xdb, 0x6d, 0xb6),
];

export const WIPE_METHODS = [
  {
    id: 'zero',
    label: 'Zero fill',
    source: 'single pass of 0x00',
    methodType: 'clear',
    passes: [fixed(0x00)],
    verify: 'last',
  },
  {
    id: 'one',
    label: 'One fill',
    source: 'single pass of 0xFF',
    methodType: 'clear',
    passes: [fixed(0xff)],
    verify: 'last',
  },
  {
    id: 'random',
    label: 'Random (AES-256-CTR stream)',
    source: 'single pass of a seeded AES-256-CTR keystream',
    methodType: 'clear',
    passes: [RANDOM],
    verify: 'last',
  },
  {
    id: 'nist-clear',
    label: 'NIST SP 800-88 Clear',
    source: 'NIST SP 800-88 Rev. 1, Appendix A: one overwrite pass with a fixed value (0x00)',
    methodType: 'clear',
    passes: [fixed(0x00)],
    verify: 'last',
  },
  {
    id: 'dod-3',
    label: 'DoD 5220.22-M (E), 3 passes',
    source: 'DoD 5220.22-M (1995) method E: a character, its complement, a random character (nwipe dodshort)',
    methodType: 'clear',
    passes: [{ fill: 'random-byte', as: 'a' }, { fill: 'complement', of: 'a' }, RANDOM],
    verify: 'last',
  },
  {
    id: 'dod-7',
    label: 'DoD 5220.22-M (ECE), 7 passes',
    source: 'DoD 5220.22-M (1995) method ECE: E, then C (random character), then E again (nwipe dod522022m)',
    methodType: 'clear',
    passes: [
      { fill: 'random-byte', as: 'r1' },
      { fill: 'complement', of: 'r1' },
      RANDOM,
      { fill: 'random-byte', as: 'r2' },
      { fill: 'random-byte', as: 'r3' },
      { fill: 'complement', of: 'r3' },
      RANDOM,
    ],
    verify: 'last',
  },
  {
    id: 'hmg-is5-enhanced',
    label: 'HMG IS5 Enhanced',
    source: 'UK HMG Infosec Standard 5, Enhanced: 0x00, 0xFF, random, verify',
    methodType: 'clear',
    passes: [fixed(0x00), fixed(0xff), RANDOM],
    verify: 'last',
  },
  {
    id: 'vsitr',
    label: 'BSI VSITR',
    source: 'German BSI VSITR (Verschlusssachen-IT-Richtlinien): 0x00/0xFF alternating six times, then 0xAA',
    methodType: 'clear',
    passes: [fixed(0x00), fixed(0xff), fixed(0x00), fixed(0xff), fixed(0x00), fixed(0xff), fixed(0xaa)],
    verify: 'last',
  },
  {
    id: 'schneier',
    label: 'Bruce Schneier',
    source: 'B. Schneier, Applied Cryptography (1996) §10.9: 0xFF, 0x00, then five random passes',
    methodType: 'clear',
    passes: [fixed(0xff), fixed(0x00), RANDOM, RANDOM, RANDOM, RANDOM, RANDOM],
    verify: 'last',
  },
  {
    id: 'gutmann',
    label: 'Peter Gutmann, 35 passes',
    source: 'P. Gutmann, "Secure Deletion of Data from Magnetic and Solid-State Memory" (1996), table 3',
    methodType: 'clear',
    passes: [RANDOM, RANDOM, RANDOM, RANDOM, ...GUTMANN_FIXED, RANDOM, RANDOM, RANDOM, RANDOM],
    verify: 'last',
    shuffle: { from: 4, to: 31 },
  },
] as const satisfies readonly WipeMethod[];

export type MethodId = (typeof WIPE_METHODS)[number]['id'];

// Finds a method by id, or undefined.
export function findMethod(id: string): WipeMethod | undefined {
  return WIPE_METHODS.find((m) => m.id === id);
}
