#!/usr/bin/env node
// Throughput of the scanner's classification half (dist/scan/classify.js, so run `npm run build`
// first): the sector sweep alone and with content rules, on AES-CTR random data, zeros, 0xFF and
// text, in regions of REGION bytes (default 4 MiB, the scanner's batch) with a 64 KiB lookahead.
// Also isHighEntropy over 4 KiB blocks. Prints the median of RUNS runs in GB/s (10^9 bytes/s).
// Usage: node scripts/scan-throughput.mjs [sizeMiB=256] [runs=5] [regionKiB=4096]
import { createCipheriv } from 'node:crypto';
import { classifyRegion, isHighEntropy } from '../dist/scan/classify.js';

const sizeMiB = Number(process.argv[2] ?? 256);
const runs = Number(process.argv[3] ?? 5);
const region = Number(process.argv[4] ?? 4096) * 1024;
const size = sizeMiB * 1024 * 1024;
const LOOKAHEAD = 64 * 1024;

const random = createCipheriv('aes-256-ctr', Buffer.alloc(32, 7), Buffer.alloc(16)).update(Buffer.alloc(size));
const zeros = Buffer.alloc(size);
const ones = Buffer.alloc(size, 0xff);
// English-like text with some digits and '@': a README repeated.
const line = Buffer.from(
  'The scanner reads the volume back; every block must match what the last pass wrote. Call 555-0100 ext 42, ' +
    'or write to the operator at the front desk @ 9am. Order 20240117 shipped in 3 boxes of 12.\n',
);
const text = Buffer.alloc(size);
for (let i = 0; i < size; i += line.length) line.copy(text, i);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(buf, options) {
  const rates = [];
  let findings = 0;
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    findings = 0;
    for (let start = 0; start < buf.length; start += region) {
      const stop = Math.min(buf.length, start + region + LOOKAHEAD);
      const window = { buf: buf.subarray(start, stop), base: start, targetSize: buf.length };
      findings += classifyRegion(window, 0, Math.min(region, buf.length - start), options).length;
    }
    rates.push(buf.length / Number(process.hrtime.bigint() - t));
  }
  return { gbps: median(rates).toFixed(2), findings };
}

function measureEntropy(buf) {
  const rates = [];
  let high = 0;
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    high = 0;
    for (let i = 0; i < buf.length; i += 4096) if (isHighEntropy(buf, i, i + 4096)) high++;
    rates.push(buf.length / Number(process.hrtime.bigint() - t));
  }
  return { gbps: median(rates).toFixed(2), highEntropyBlocks: `${high}/${buf.length / 4096}` };
}

const rows = [];
for (const [name, buf] of [
  ['random (AES-CTR)', random],
  ['zeros', zeros],
  ['0xFF', ones],
  ['text', text],
]) {
  rows.push({
    data: name,
    'sweep GB/s': measure(buf, { contentRules: false }).gbps,
    'sweep+content GB/s': measure(buf, { contentRules: true }).gbps,
    'isHighEntropy GB/s': measureEntropy(buf).gbps,
    'high-entropy blocks': measureEntropy(buf).highEntropyBlocks,
  });
}
console.log(`node ${process.version}, ${sizeMiB} MiB per data set, regions of ${region / 1024} KiB, median of ${runs}`);
console.table(rows);
