import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  buildStatement,
  certificateFileName,
  deviceIdentityDigest,
  digestFinalStateSamples,
  finalStatePatternOf,
  finalStateSampleOffsets,
  findStatementProblem,
  PREDICATE_TYPE,
  STATEMENT_TYPE,
} from '../../../src/cert/index.js';
import { computeDeviceId } from '../../../src/devices/index.js';
import { imageIdentity, sampleInput } from '../../helpers/cert-fixtures.js';

const KEY_ID = `sha256:${'e'.repeat(64)}`;
const MiB = 1024 * 1024;

// Every number anywhere in a JSON value.
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

describe('buildStatement', () => {
  const input = { ...sampleInput(), signingKeyId: KEY_ID };

  test('an in-toto Statement v1 naming the device, with the sanitization predicate', () => {
    const statement = buildStatement(input);
    expect(statement._type).toBe(STATEMENT_TYPE);
    expect(statement.predicateType).toBe(PREDICATE_TYPE);
    const id = input.media.id.replace('sha256:', '');
    expect(statement.subject).toEqual([{ name: `urn:cleanslate:device:${id}`, digest: { sha256: id } }]);
    expect(findStatementProblem(statement)).toBeNull();
  });

  test('the predicate carries every DESIGN §7 field and the Appendix G fields', () => {
    const p = buildStatement(input).predicate;
    expect(Object.keys(p).sort()).toEqual(
      [
        'certificateId',
        'issuedAt',
        'signingKeyId',
        'standard',
        'tool',
        'host',
        'operator',
        'validator',
        'tenant',
        'volumeId',
        'media',
        'sanitization',
        'verification',
        'residualScan',
        'finalState',
        'postSanitization',
        'result',
        'audit',
      ].sort(),
    );
    expect(p).toMatchObject({
      certificateId: input.certificateId,
      signingKeyId: KEY_ID,
      tool: { name: 'cleanslate', version: '0.1.0' },
      operator: { name: 'Alice Operator', title: null, organization: null },
      validator: { name: null, title: null, organization: null },
      media: {
        deviceId: input.media.id,
        mediaType: 'disk-image',
        manufacturer: null,
        model: null,
        serial: null,
        sizeBytes: 64 * MiB,
        logicalBlockSize: 512,
      },
      sanitization: { methodType: 'purge', technique: 'overwrite', method: 'dod-3' },
      verification: { mode: 'last', mismatches: 0 },
      residualScan: { mode: 'full', result: 'clean', findings: {} },
      finalState: { expect: 'aes-256-ctr', sampleDigest: 'c'.repeat(64) },
      postSanitization: { destination: null },
      result: 'PASS',
      audit: { seq: 7, entryHash: 'd'.repeat(64) },
    });
    expect(p.sanitization.methodDetails).toContain('random byte 0x5a, complement 0xa5, aes-256-ctr');
    expect(p.verification.method).toMatch(/read back every block/);
    for (const n of numbersIn(p)) expect(Number.isSafeInteger(n)).toBe(true);
  });

  test('the subject digest is the device id for disks with a serial too', () => {
    const disk = {
      ...imageIdentity(),
      kind: 'block' as const,
      path: '/dev/sdb',
      realPath: '/dev/sdb',
      name: 'sdb',
      model: 'ST1000',
      vendor: 'ATA',
      serial: 'Z1D2',
      wwn: '0x5000c500a1b2c3d4',
      rotational: true,
    };
    disk.id = computeDeviceId(disk);
    const statement = buildStatement({ ...input, media: disk });
    expect(statement.subject[0]?.digest.sha256).toBe(disk.id.slice('sha256:'.length));
    expect(statement.predicate.media.mediaType).toBe('magnetic');
    expect(deviceIdentityDigest({ ...statement.predicate.media, sizeBytes: disk.sizeBytes + 512 })).not.toBe(
      statement.subject[0]?.digest.sha256,
    );
  });

  test('refuses to certify a run with mismatches or residue, floats, or local times', () => {
    expect(() => buildStatement({ ...input, verification: { ...input.verification, mismatches: 1 } })).toThrow(
      /no certificate/,
    );
    expect(() => buildStatement({ ...input, residualScan: { ...input.residualScan, findings: { ext4: 1 } } })).toThrow(
      /residue/,
    );
    expect(() => buildStatement({ ...input, verification: { ...input.verification, bytesRead: 1.5 } })).toThrow(
      /integer/,
    );
    expect(() => buildStatement({ ...input, issuedAt: '2026-11-23T05:40:12+01:00' })).toThrow(/RFC 3339/);
    expect(() => buildStatement({ ...input, certificateId: 'not-a-uuid' })).toThrow(/UUID/);
  });

  test('certificateFileName', () => {
    expect(certificateFileName(input.certificateId)).toBe(`${input.certificateId}.cert.json`);
  });
});

describe('final state', () => {
  test('finalStatePatternOf keeps bytes and replaces an AES key by its commitment', () => {
    expect(finalStatePatternOf({ kind: 'bytes', bytes: [0x92, 0x49, 0x24] })).toEqual({
      kind: 'bytes',
      bytes: [0x92, 0x49, 0x24],
    });
    const keyHex = '11'.repeat(32);
    const pattern = finalStatePatternOf({ kind: 'aes-ctr', keyHex });
    expect(pattern).toEqual({
      kind: 'aes-ctr',
      keyCommitment: createHash('sha256').update(Buffer.from(keyHex, 'hex')).digest('hex'),
    });
    expect(JSON.stringify(pattern)).not.toContain(keyHex);
  });

  test.for([0, 1, 4096, 3 * MiB + 123, 4 * MiB, 5 * MiB, 5 * MiB + 1, 6 * MiB, 64 * MiB, 10 * 1024 ** 4 + 512])(
    'sample extents of a %i-byte device: sorted, disjoint, inside, head and tail covered',
    (size) => {
      const id = '3f2c9a1e-7b4d-4c8e-9a6f-0123456789ab';
      const extents = finalStateSampleOffsets(size, id);
      expect(finalStateSampleOffsets(size, id)).toEqual(extents);
      if (size === 0) return expect(extents).toEqual([]);
      expect(extents[0]).toMatchObject({ offset: 0 });
      expect(extents[0]?.length).toBeGreaterThanOrEqual(Math.min(size, 4 * MiB)); // merged with adjacent samples
      const last = extents[extents.length - 1];
      expect((last?.offset ?? 0) + (last?.length ?? 0)).toBe(size);
      expect(size - (last?.offset ?? 0)).toBeGreaterThanOrEqual(Math.min(size, MiB));
      let end = -1;
      for (const e of extents) {
        expect(e.offset).toBeGreaterThan(end);
        expect(e.offset % 4096).toBe(0);
        expect(e.length).toBeGreaterThan(0);
        end = e.offset + e.length;
      }
      const covered = extents.reduce((sum, e) => sum + e.length, 0);
      expect(covered).toBeLessThanOrEqual(Math.min(size, 4 * MiB + MiB + 4095 + 64 * 64 * 1024));
    },
  );

  test('the middle samples depend on the certificate id', () => {
    const a = finalStateSampleOffsets(64 * MiB, '00000000-0000-4000-8000-000000000001');
    const b = finalStateSampleOffsets(64 * MiB, '00000000-0000-4000-8000-000000000002');
    expect(a).not.toEqual(b);
    const blocks = (xs: typeof a) => xs.reduce((n, e) => n + e.length, 0);
    expect(blocks(a)).toBe(blocks(b));
    expect(blocks(a)).toBe(5 * MiB + 64 * 64 * 1024);
  });

  test('digestFinalStateSamples hashes the extents in order and refuses short reads', async () => {
    const image = Buffer.alloc(6 * MiB);
    for (let i = 0; i < image.length; i += 4096) image[i] = (i / 4096) & 0xff;
    const extents = finalStateSampleOffsets(image.length, '3f2c9a1e-7b4d-4c8e-9a6f-0123456789ab');
    const read = (e: { offset: number; length: number }) => image.subarray(e.offset, e.offset + e.length);
    const expected = createHash('sha256');
    for (const e of extents) expected.update(read(e));
    const before = expected.digest('hex');
    expect(await digestFinalStateSamples(extents, read)).toBe(before);
    image[4096] = (image[4096] ?? 0) ^ 1;
    expect(await digestFinalStateSamples(extents, read)).not.toBe(before);
    await expect(digestFinalStateSamples(extents, (e) => read(e).subarray(1))).rejects.toThrow(/short read/);
  });
});
