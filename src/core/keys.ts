// The `keys generate` use case: a new Ed25519 signing key pair in a directory (default <state>/keys).
import { writeKeyPair, type KeyPairFiles } from '../cert/index.js';
import { resolveStateDir } from '../state/index.js';
import { join } from 'node:path';

export interface GenerateKeysRequest {
  /** Directory for cleanslate-signing.key / .pub. @default <state>/keys */
  outDir?: string | undefined;
  /** @default resolveStateDir() */
  stateDir?: string | undefined;
}

export interface GenerateKeysReport extends KeyPairFiles {
  outDir: string;
}

// Writes a new key pair (private 0600, public 0644); refuses (ERR_KEY_EXISTS, exit 2) to overwrite.
export function generateKeys(request: GenerateKeysRequest = {}): GenerateKeysReport {
  const outDir = request.outDir ?? join(request.stateDir ?? resolveStateDir(), 'keys');
  return { outDir, ...writeKeyPair(outDir) };
}
