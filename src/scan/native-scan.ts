// The scanner's hot loops in the native addon (native/scan-blocks.cc, loaded by
// src/io/native-addon.ts): the per-block zero / 0xFF / high-entropy classifier and the content-rule
// triggers. They are used only when the addon has them and they give the known answers below (the
// decisions of the JS loops in classify.ts and content-rules.ts, which stay as the fallback: a
// missing or older addon, or CLEANSLATE_NATIVE=0, means the JS loops, silently).
import { loadNativeAddon, type NativeAddon } from '../io/native-addon.js';

/** The native loops; arguments as in NativeAddon. */
export type NativeScan = Required<Pick<NativeAddon, 'classifyBlocks' | 'contentTriggers'>>;

let loaded: NativeScan | null | undefined;
let enabled = true;

// The native loops when the addon has them and they pass the known-answer check, else null.
export function nativeScan(): NativeScan | null {
  if (!enabled) return null;
  if (loaded === undefined) loaded = loadNativeScan();
  return loaded;
}

// Switches the native loops off (false) or back on in this process: for tests and benchmarks that
// compare them with the JS loops.
export function setNativeScanEnabled(on: boolean): void {
  enabled = on;
}

function loadNativeScan(): NativeScan | null {
  const addon = loadNativeAddon();
  if (!addon?.classifyBlocks || !addon.contentTriggers) return null;
  const native: NativeScan = { classifyBlocks: addon.classifyBlocks, contentTriggers: addon.contentTriggers };
  try {
    return classifiesKnownBlocks(native, addon) && findsKnownTriggers(native) ? native : null;
  } catch {
    return null;
  }
}

// Zeros, 0xFF, AES-CTR keystream (high-entropy), text, a 0..255 ramp (too uniform: other), a block
// left out by the mask, and a 1000-byte tail of keystream (too short to judge: other).
function classifiesKnownBlocks(native: NativeScan, addon: NativeAddon): boolean {
  const block = 4096;
  const buf = new Uint8Array(6 * block + 1000);
  buf.fill(0xff, block, 2 * block);
  addon.fill(new Uint8Array(32).fill(7), new Uint8Array(16), 0, buf.subarray(2 * block, 3 * block));
  for (let i = 0; i < block; i++) buf[3 * block + i] = 'cleanslate scan\n'.charCodeAt(i % 16);
  for (let i = 0; i < block; i++) buf[4 * block + i] = i & 255;
  addon.fill(new Uint8Array(32).fill(9), new Uint8Array(16), 0, buf.subarray(6 * block));
  const mask = Uint8Array.from([1, 1, 1, 1, 1, 0, 1]);
  const out = new Uint8Array(7);
  native.classifyBlocks(buf, block, mask, out);
  return out.join() === '1,2,3,4,4,0,4';
}

// Each trigger of content-rules.ts (numbered as there) on a line that holds one place where it
// fires and one look-alike where it must not.
function findsKnownTriggers(native: NativeScan): boolean {
  const text = Buffer.from(
    '-----BEGIN PRIVATE KEY ----BEGIN AKIAIOSF AKxB xeyJhb eyJhbG a@b.io @x a@- 4111 1111 111 12345 ',
    'latin1',
  );
  const want = ['0', '33', '54', '62', '76'];
  const out = new Int32Array(8);
  for (let trigger = 0; trigger < want.length; trigger++) {
    const n = native.contentTriggers(text, 0, text.length, trigger, out);
    if (Array.from(out.subarray(0, n)).join() !== want[trigger]) return false;
  }
  return true;
}
