// glibc heap tuning from inside Node, for the AES-CTR generator. cipher.update() allocates (calloc)
// a fresh 64 KiB output per call; when V8 frees a burst of them, glibc trims the heap top above
// trim_threshold (128 KiB by default) and every later allocation page-faults fresh zeroed pages
// again: measured 200k-430k minor faults per 2 GiB pass and 35-40% lower throughput. glibc raises
// its thresholds itself (mmap_threshold = size, trim_threshold = 2 x size) when a program frees an
// mmapped chunk of up to 32 MiB; scryptSync with 16 MiB of memory makes OpenSSL malloc and free
// exactly such a chunk, once, in about 40 ms. Setting GLIBC_TUNABLES=glibc.malloc.mmap_threshold=...
// before start does the same and disables this.
import { scryptSync } from 'node:crypto';

let done = false;

// Raises glibc's mmap and trim thresholds once per process (no-op when GLIBC_TUNABLES sets them, or off glibc).
export function raiseMallocThresholds(): void {
  if (done) return;
  done = true;
  if (process.platform !== 'linux' || /malloc\.(mmap|trim)_threshold/.test(process.env.GLIBC_TUNABLES ?? '')) return;
  // 128 * r * N = 16 MiB, a single OPENSSL_malloc above the default mmap threshold, freed before return.
  scryptSync('cleanslate', 'malloc-thresholds', 16, { N: 1024, r: 128, p: 1, maxmem: 64 * 1024 * 1024 });
}
