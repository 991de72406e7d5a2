import { describe, expect, test } from 'vitest';
import { parseMountinfo } from '../../../src/devices/index.js';

const SAMPLE = [
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard',
  '36 35 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 shared:7 - ext3 /dev/root ro,errors=continue',
  '40 27 0:45 / /data rw,relatime shared:9 - btrfs /dev/sdb2 rw,space_cache=v2',
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
].join('\n');

describe('parseMountinfo', () => {
  test('reads MAJ:MIN, mount point, options, fstype, source and super options', () => {
    const entries = parseMountinfo(`${SAMPLE}\n`);
    expect(entries).toHaveLength(4);
    expect(entries[0]).toEqual({
      majorMinor: '254:0',
      sourceMajorMinor: null,
      root: '/',
      mountPoint: '/',
      mountOptions: ['rw', 'relatime'],
      fstype: 'ext4',
      source: '/dev/vda',
      superOptions: ['rw', 'discard'],
    });
  });

  test('skips optional fields and unescapes octal escapes', () => {
    const entry = parseMountinfo(SAMPLE)[1];
    expect(entry?.mountPoint).toBe('/mnt/with space');
    expect(entry?.fstype).toBe('ext3');
    expect(entry?.source).toBe('/dev/root');
    expect(entry?.superOptions).toContain('ro');
  });

  test('keeps the anonymous 0:N of btrfs with its device source', () => {
    const entry = parseMountinfo(SAMPLE)[2];
    expect(entry?.majorMinor).toBe('0:45');
    expect(entry?.source).toBe('/dev/sdb2');
  });

  test.for(['27 1 254:0 / / rw,relatime ext4 /dev/vda rw', '27 1 nope / / rw - ext4 /dev/vda rw', 'garbage'])(
    'throws on a malformed line: %s',
    (line) => {
      expect(() => parseMountinfo(line)).toThrow(/mountinfo line 1/);
    },
  );
});
