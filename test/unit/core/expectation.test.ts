import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tmp from 'tmp';
import { describe, expect, test } from 'vitest';
import { encodeSeedFile, parseExpectation } from '../../../src/core/expectation.js';
import { CleanslateError } from '../../../src/errors/index.js';
import { findMethod, planWipe } from '../../../src/methods/index.js';

describe('--expect', () => {
  test.for([
    ['zero', [0x00]],
    ['one', [0xff]],
    ['byte:0xAA', [0xaa]],
    ['byte:5a', [0x5a]],
  ] as const)('%s is a fixed byte', async ([value, bytes]) => {
    expect(await parseExpectation(value)).toMatchObject({ kind: 'pattern', pattern: { kind: 'bytes', bytes } });
  });

  test('none expects nothing', async () => expect(await parseExpectation('none')).toEqual({ kind: 'none' }));

  test.for(['', 'zeros', 'byte:0x1', 'byte:0xGG', 'random:', 'random'])(
    '%j is a usage error (exit 2)',
    async (value) => {
      const error = await parseExpectation(value).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CleanslateError);
      expect((error as CleanslateError).exitCode).toBe(2);
    },
  );

  test('random:SEEDFILE expects the last pass of the run recorded in the seed file', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    try {
      const seed = new Uint8Array(32).fill(7);
      const file = join(dir.name, 'run.seed');
      writeFileSync(file, encodeSeedFile('dod-3', seed));
      const last = planWipe(findMethod('dod-3')!, seed).passes.at(-1)!;
      expect(await parseExpectation(`random:${file}`)).toEqual({
        kind: 'pattern',
        pattern: last.pattern,
        describe: 'aes-256-ctr',
      });
      writeFileSync(file, Buffer.from(seed));
      const random = planWipe(findMethod('random')!, seed).passes[0]!;
      expect(await parseExpectation(`random:${file}`)).toMatchObject({ pattern: random.pattern });
      writeFileSync(file, '{"version":1,"methodId":"nope","seed":"00"}');
      await expect(parseExpectation(`random:${file}`)).rejects.toThrow(/seed file/);
      await expect(parseExpectation(`random:${join(dir.name, 'missing')}`)).rejects.toThrow(/cannot read/);
    } finally {
      dir.removeCallback();
    }
  });
});
