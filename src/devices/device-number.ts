// Decoding of Linux device numbers (dev_t) into major and minor, as glibc's gnu_dev_major/minor.

export interface DeviceNumber {
  major: number;
  minor: number;
}

// Splits a dev_t (st_rdev / st_dev) into major and minor. BigInt, because dev_t is 64 bits and
// JavaScript bit operators work on 32: major = bits 8-19 and 32-43, minor = bits 0-7 and 12-31 (+44-63).
export function decodeDeviceNumber(dev: number | bigint): DeviceNumber {
  const value = BigInt(dev);
  const major = ((value >> 8n) & 0xfffn) | ((value >> 32n) & 0xfffff000n);
  const minor = (value & 0xffn) | ((value >> 12n) & 0xffffff00n);
  return { major: Number(major), minor: Number(minor) };
}

// "MAJ:MIN" of a dev_t, the form sysfs (/sys/dev/block) and mountinfo use.
export function formatMajorMinor(dev: number | bigint): string {
  const { major, minor } = decodeDeviceNumber(dev);
  return `${major}:${minor}`;
}
