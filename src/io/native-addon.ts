// The optional native addon build/Release/cleanslate_aes.node (native/aes-ctr.cc, built by node-gyp
// with the package's install script). It runs the node binary's own OpenSSL AES-256-CTR straight
// into the caller's buffer, and compares buffers, synchronously or on the libuv threadpool; it also
// holds the scanner's hot loops (native/scan-blocks.cc, vetted by src/scan/native-scan.ts). The
// engine works without it (node:crypto and Buffer.compare on the JS thread, about half the random
// pass rate; the scanner's JS loops): a missing addon, one built for another Node ABI, one that
// fails its known-answer check, or CLEANSLATE_NATIVE=0 all mean "no addon", silently.
// aesBackend() tells which is in use.
import { createCipheriv } from 'node:crypto';
import { createRequire } from 'node:module';

/**
 * The addon's exports. Every function validates its arguments (TypeError/RangeError) and writes
 * only inside buf. key: 32 bytes; counter: the 16-byte initial counter block; skip: 0-15 keystream
 * bytes dropped first. The async variants copy key and counter and keep buf (and tile) alive until
 * they settle; the caller MUST NOT detach, read or write buf until then.
 */
export interface NativeAddon {
  /** buf = AES-256-CTR keystream from `counter`, after dropping `skip` bytes. */
  fill(key: Uint8Array, counter: Uint8Array, skip: number, buf: Uint8Array): void;
  fillAsync(key: Uint8Array, counter: Uint8Array, skip: number, buf: Uint8Array): Promise<void>;
  /** Whether buf holds exactly the keystream (buf is only read; stops at the first 16 KiB that differs). */
  matchesKeystream(key: Uint8Array, counter: Uint8Array, skip: number, buf: Uint8Array): boolean;
  matchesKeystreamAsync(key: Uint8Array, counter: Uint8Array, skip: number, buf: Uint8Array): Promise<boolean>;
  /** Whether buf[i] === tile[i % tile.length] for every i, on the threadpool. */
  matchesTileAsync(buf: Uint8Array, tile: Uint8Array): Promise<boolean>;
  /**
   * The scanner's block classifier (native/scan-blocks.cc; absent from older builds): for each block
   * of buf (the last may be short) out[i] = 0 where mask[i] is 0, else 1 all zero, 2 all 0xFF,
   * 3 high-entropy, 4 other. Checked against src/scan by src/scan/native-scan.ts before use.
   */
  classifyBlocks?(buf: Uint8Array, blockSize: number, mask: Uint8Array, out: Uint8Array): void;
  /** Positions in [from, to) where content-rule trigger `trigger` fires, into out, until out is full; returns how many. */
  contentTriggers?(buf: Uint8Array, from: number, to: number, trigger: number, out: Int32Array): number;
}

// From src/io/ (tests) and dist/io/ (built) alike, node-gyp's output is two levels up.
const ADDON_PATH = '../../build/Release/cleanslate_aes.node';
const EXPORTS = ['fill', 'fillAsync', 'matchesKeystream', 'matchesKeystreamAsync', 'matchesTileAsync'] as const;

let addon: NativeAddon | null | undefined;

// The addon when it loads and passes a known-answer check against node:crypto, else null (decided once per process).
export function loadNativeAddon(): NativeAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  if (process.env.CLEANSLATE_NATIVE === '0') return addon;
  try {
    const loaded = createRequire(import.meta.url)(ADDON_PATH) as Partial<NativeAddon>;
    if (hasAddonShape(loaded) && passesKnownAnswer(loaded)) addon = loaded;
  } catch {
    // Not built, or not loadable here: the JS paths do the work.
  }
  return addon;
}

function hasAddonShape(value: Partial<NativeAddon>): value is NativeAddon {
  return EXPORTS.every((name) => typeof value[name] === 'function');
}

// 100 bytes at an odd skip from a counter block two short of a 2^32-block carry, against node:crypto.
function passesKnownAnswer(native: NativeAddon): boolean {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
  const counter = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xfe]);
  const got = new Uint8Array(100);
  native.fill(key, counter, 5, got);
  const want = createCipheriv('aes-256-ctr', key, counter).update(new Uint8Array(105)).subarray(5);
  return Buffer.from(got.buffer, got.byteOffset, got.length).equals(want);
}
