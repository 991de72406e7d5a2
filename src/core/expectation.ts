// Parses `--expect none|zero|one|byte:0xNN|random:SEEDFILE` into what the scanner compares with.
// A seed file is what `wipe --keep-seed` leaves in the state directory: the run seed and its method;
// the expected content is the last pass of that run.
import { readFile } from 'node:fs/promises';
import { CleanslateError } from '../errors/index.js';
import { findMethod, planWipe, SEED_BYTES } from '../methods/index.js';
import type { Expectation } from '../scan/index.js';
import type { PlannedPass } from '../types.js';

/** The seed file written during a wipe (0600): version, method id and the seed in hex. */
export interface SeedFile {
  version: 1;
  methodId: string;
  seed: string;
}

const USAGE = 'expected none, zero, one, byte:0xNN or random:SEEDFILE';

// The expectation for the last pass of a plan (what a correct wipe leaves on the device).
export function expectationOfPass(pass: PlannedPass): Expectation {
  return { kind: 'pattern', pattern: pass.pattern, describe: pass.describe };
}

// Parses an --expect value; reads the seed file for random:SEEDFILE. `target` (the scan's TARGET)
// is named in the error of a malformed value.
export async function parseExpectation(value: string, target?: string): Promise<Expectation> {
  const byte = (b: number, describe: string): Expectation => ({
    kind: 'pattern',
    pattern: { kind: 'bytes', bytes: [b] },
    describe,
  });
  if (value === 'none') return { kind: 'none' };
  if (value === 'zero') return byte(0x00, '0x00');
  if (value === 'one') return byte(0xff, '0xff');
  const byteMatch = /^byte:(?:0x)?([0-9a-fA-F]{2})$/.exec(value);
  if (byteMatch) return byte(parseInt(byteMatch[1]!, 16), `0x${byteMatch[1]!.toLowerCase()}`);
  if (value.startsWith('random:') && value.length > 'random:'.length)
    return readSeedExpectation(value.slice('random:'.length));
  throw new CleanslateError('ERR_USAGE', `--expect '${value}': ${USAGE}`, { target, step: 'expect' });
}

// Reads and checks a seed file (JSON or 32 raw bytes); errors are usage errors naming the file and step.
export async function readSeedFile(path: string, step = 'expect'): Promise<SeedFile> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (err) {
    throw new CleanslateError('ERR_USAGE', `cannot read the seed file: ${(err as Error).message}`, {
      target: path,
      step,
    });
  }
  return decodeSeedFile(raw, path, step);
}

async function readSeedExpectation(path: string): Promise<Expectation> {
  const seedFile = await readSeedFile(path);
  const method = findMethod(seedFile.methodId);
  if (!method)
    throw new CleanslateError('ERR_USAGE', `seed file names unknown method '${seedFile.methodId}'`, {
      target: path,
      step: 'expect',
    });
  const plan = planWipe(method, Buffer.from(seedFile.seed, 'hex'));
  const last = plan.passes.at(-1);
  if (!last)
    throw new CleanslateError('ERR_USAGE', `method ${method.id} has no passes`, { target: path, step: 'expect' });
  return expectationOfPass(last);
}

// A JSON seed file, or 32 raw bytes (a seed of the `random` method).
function decodeSeedFile(raw: Buffer, path: string, step: string): SeedFile {
  if (raw.length === SEED_BYTES) return { version: 1, methodId: 'random', seed: raw.toString('hex') };
  let parsed: unknown;
  try {
    parsed = raw.length < 4096 ? JSON.parse(raw.toString('utf8')) : null;
  } catch {
    parsed = null;
  }
  const candidate = parsed as Partial<SeedFile> | null;
  if (
    !candidate ||
    candidate.version !== 1 ||
    typeof candidate.methodId !== 'string' ||
    typeof candidate.seed !== 'string' ||
    !/^[0-9a-f]{64}$/.test(candidate.seed)
  ) {
    throw new CleanslateError(
      'ERR_USAGE',
      'not a cleanslate seed file (JSON {version: 1, methodId, seed} or 32 raw bytes)',
      { target: path, step },
    );
  }
  return { version: 1, methodId: candidate.methodId, seed: candidate.seed };
}

// Encodes the seed file the wipe keeps until it is done.
export function encodeSeedFile(methodId: string, seed: Uint8Array): Buffer {
  const file: SeedFile = { version: 1, methodId, seed: Buffer.from(seed).toString('hex') };
  return Buffer.from(`${JSON.stringify(file)}\n`);
}
