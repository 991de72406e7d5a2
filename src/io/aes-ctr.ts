// The AES-256-CTR keystream of a random pass, from one of two backends:
// - 'native': the optional addon (native-addon.ts) runs the node binary's own OpenSSL straight into
//   the caller's buffer, synchronously or on the libuv threadpool (about 7 GB/s per core here, off
//   the JS thread);
// - 'node-crypto': createCipheriv().update() per 64 KiB, copied into the buffer (about 3 GB/s, on
//   the JS thread), whenever the addon is not loaded.
// Both write exactly createCipheriv('aes-256-ctr', key, counterBlock(offset)).update(zeros) for any
// offset and length (the engine asks for 512-byte multiples at 16-aligned offsets).
import { createCipheriv } from 'node:crypto';
import { raiseMallocThresholds } from './malloc-tuning.js';
import { loadNativeAddon } from './native-addon.js';

export type AesBackend = 'native' | 'node-crypto';

/** A keyed keystream; offsets are absolute byte offsets into the stream. */
export interface AesCtrStream {
  readonly backend: AesBackend;
  /** Writes the keystream bytes [offset, offset + buf.length) into buf. */
  fill(buf: Uint8Array, offset: number): void;
  /** fill, on the threadpool with the native backend (else synchronously); buf is off-limits until it settles. */
  fillAsync(buf: Uint8Array, offset: number): Promise<void>;
  /**
   * Native backend only: resolves, from the threadpool, whether buf holds exactly the keystream
   * bytes [offset, offset + buf.length); buf is only read.
   */
  matchesAsync?: (buf: Uint8Array, offset: number) => Promise<boolean>;
}

const AES_BLOCK = 16;
// cipher.update allocates its output; 64 KiB inputs measured fastest (16 KiB-1 MiB on Node 20).
const CIPHER_STEP = 64 * 1024;
const ZEROS = new Uint8Array(CIPHER_STEP);

// Which backend random passes use in this process.
export function aesBackend(): AesBackend {
  return loadNativeAddon() ? 'native' : 'node-crypto';
}

// Writes the 16-byte counter block for a 16-aligned offset (offset / 16, 128-bit big-endian) into block.
export function writeCounterBlock(block: Uint8Array, offset: number): void {
  const counter = offset / AES_BLOCK;
  block.fill(0);
  const view = new DataView(block.buffer, block.byteOffset, AES_BLOCK);
  view.setUint32(8, Math.floor(counter / 2 ** 32));
  view.setUint32(12, counter >>> 0);
}

// Keys a keystream (key: 32 bytes); `backend` forces one ('native' throws when the addon is not loaded).
export function createAesCtrStream(key: Uint8Array, backend: AesBackend = aesBackend()): AesCtrStream {
  if (key.length !== 32) throw new RangeError(`an AES-256 key is 32 bytes, got ${key.length}`);
  const keyCopy = Uint8Array.from(key);
  if (backend === 'node-crypto') return createNodeCryptoStream(keyCopy);
  const native = loadNativeAddon();
  if (!native) throw new Error('the native AES-256-CTR addon is not loaded');
  // The addon copies key and counter on every call, so one counter scratch serves overlapping calls.
  const counter = new Uint8Array(AES_BLOCK);
  const at = (offset: number): number => {
    const skip = offset % AES_BLOCK;
    writeCounterBlock(counter, offset - skip);
    return skip;
  };
  return {
    backend,
    fill: (buf, offset) => native.fill(keyCopy, counter, at(offset), buf),
    fillAsync: (buf, offset) => native.fillAsync(keyCopy, counter, at(offset), buf),
    matchesAsync: (buf, offset) => native.matchesKeystreamAsync(keyCopy, counter, at(offset), buf),
  };
}

function createNodeCryptoStream(key: Uint8Array): AesCtrStream {
  raiseMallocThresholds();
  const iv = new Uint8Array(AES_BLOCK);
  const fill = (buf: Uint8Array, offset: number): void => {
    const skip = offset % AES_BLOCK;
    writeCounterBlock(iv, offset - skip);
    const cipher = createCipheriv('aes-256-ctr', key, iv);
    if (skip > 0) cipher.update(ZEROS.subarray(0, skip));
    for (let at = 0; at < buf.length; at += CIPHER_STEP) {
      const n = Math.min(CIPHER_STEP, buf.length - at);
      buf.set(cipher.update(n === CIPHER_STEP ? ZEROS : ZEROS.subarray(0, n)), at);
    }
  };
  return {
    backend: 'node-crypto',
    fill,
    fillAsync: async (buf, offset) => fill(buf, offset),
  };
}
