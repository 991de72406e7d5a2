// The `keys generate` use case: a new Ed25519 signing key pair in a directory (default <state>/keys).
import { existsSync } from 'node:fs';
import { hostKeyPaths, writeKeyPair, type KeyPairFiles } from '../cert/index.js';
import { resolveStateDir } from '../state/index.js';
import { join } from 'node:path';
import { openProvenance, stateDirStep } from './provenance.js';

export interface GenerateKeysRequest {
  /** Directory for cleanslate-signing.key / .pub. @default <state>/keys */
  outDir?: string | undefined;
  /** @default resolveStateDir() */
  stateDir?: string | undefined;
  /** Human notices (the host key was created to sign the audit entry) for stderr. */
  onNotice?: (message: string) => void;
}

export interface GenerateKeysReport extends KeyPairFiles {
  outDir: string;
}

// Writes a new key pair (private 0600, public 0644); refuses (ERR_KEY_EXISTS, exit 2) to overwrite.
// The new key is recorded (key.generated) in the audit log of the state directory.
export async function generateKeys(request: GenerateKeysRequest = {}): Promise<GenerateKeysReport> {
  const stateDir = request.stateDir ?? resolveStateDir();
  const outDir = request.outDir ?? join(stateDir, 'keys');
  const files = stateDirStep(outDir, 'keys generate', () => writeKeyPair(outDir));
  // Recorded when the state directory has a host key to sign the entry (this key, when generated
  // into <state>/keys); a key made elsewhere before any host key exists creates none as a side effect.
  if (existsSync(hostKeyPaths(stateDir).privateKeyPath)) {
    const provenance = await openProvenance({ stateDir, ...(request.onNotice ? { onNotice: request.onNotice } : {}) });
    await provenance.record({
      type: 'key.generated',
      result: 'ok',
      details: { keyId: files.keyId, path: files.privateKeyPath },
    });
  }
  return { outDir, ...files };
}
