// Small formatters for human output: sizes, rates, durations, offsets.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

// 1073741824 → "1.00 GiB".
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(2)} ${UNITS[unit]}`;
}

// Bytes per second → "512.3 MB/s" (decimal, as dd prints).
export function formatRate(bytesPerSecond: number): string {
  const mb = bytesPerSecond / 1e6;
  return mb >= 1000 ? `${(mb / 1000).toFixed(2)} GB/s` : `${mb.toFixed(1)} MB/s`;
}

// Milliseconds → "1:02:03", "2:03" or "4.5s".
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

// 4096 → "4096 (0x1000)".
export function formatOffset(offset: number): string {
  return `${offset} (0x${offset.toString(16)})`;
}
