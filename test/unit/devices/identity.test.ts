import { describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson, computeDeviceId } from '../../../src/devices/index.js';

const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe('canonicalJson', () => {
  test('sorts keys, drops undefined, refuses floats', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 's'], c: undefined })).toBe('{"a":[true,null,"s"],"b":1}');
    expect(() => canonicalJson({ x: 1.5 })).toThrow(/integers/);
  });
});

describe('computeDeviceId', () => {
  const base = {
    kind: 'block' as const,
    model: 'ST1000',
    sizeBytes: 1000,
    realPath: '/dev/sda',
    loopBackingFile: null,
  };

  test('media with a serial or WWN: kind, serial, wwn, model, size (the path does not matter)', () => {
    const id = computeDeviceId({ ...base, serial: 'Z1', wwn: null });
    expect(id).toBe(sha('{"kind":"block","model":"ST1000","serial":"Z1","sizeBytes":1000,"wwn":null}'));
    expect(computeDeviceId({ ...base, serial: 'Z1', wwn: null, realPath: '/dev/sdq' })).toBe(id);
  });

  test('partitions of the same disk with equal sizes get distinct ids', () => {
    const one = computeDeviceId({ ...base, serial: 'Z1', wwn: null }, 1);
    const two = computeDeviceId({ ...base, serial: 'Z1', wwn: null }, 2);
    expect(one).not.toBe(two);
  });

  test('no serial (images, loop devices): kind, realPath, size, and the loop backing file', () => {
    expect(computeDeviceId({ ...base, kind: 'file', model: null, serial: null, wwn: null, realPath: '/img' })).toBe(
      sha('{"kind":"file","realPath":"/img","sizeBytes":1000}'),
    );
    expect(
      computeDeviceId({
        ...base,
        model: null,
        serial: null,
        wwn: null,
        realPath: '/dev/loop0',
        loopBackingFile: '/tmp/a.img',
      }),
    ).toBe(sha('{"kind":"block","loopBackingFile":"/tmp/a.img","realPath":"/dev/loop0","sizeBytes":1000}'));
  });
});
