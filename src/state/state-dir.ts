// Locates and creates the state directory of DESIGN §9 and writes run files with owner-only modes.
import { mkdir, open, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface StateDirOptions {
  env?: NodeJS.ProcessEnv;
  uid?: number;
}

// $CLEANSLATE_HOME, else /var/lib/cleanslate as root, else $XDG_STATE_HOME/cleanslate.
export function resolveStateDir(options: StateDirOptions = {}): string {
  const env = options.env ?? process.env;
  const uid = options.uid ?? process.getuid?.() ?? -1;
  if (env.CLEANSLATE_HOME) return env.CLEANSLATE_HOME;
  if (uid === 0) return '/var/lib/cleanslate';
  const xdg = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(xdg, 'cleanslate');
}

// Creates <state>/<sub> (mode 0700) and returns its path.
export async function ensureStateSubdir(stateDir: string, sub: 'runs' | 'keys' | 'certs'): Promise<string> {
  const dir = join(stateDir, sub);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

// Writes a secret file with mode 0600 (created exclusively), fsyncs it, and returns its path.
export async function writeSecretFile(path: string, data: Uint8Array): Promise<string> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return path;
}

// Removes a run file if it exists.
export async function removeRunFile(path: string): Promise<void> {
  await rm(path, { force: true });
}
