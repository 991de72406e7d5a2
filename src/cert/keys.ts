// Ed25519 signing keys: generate, write (0600 / 0644), load with permission checks, trust sets.
// Key ids are `sha256:` + hex SHA-256 of the SPKI DER, the value
// `openssl pkey -pubin -outform DER | openssl dgst -sha256` prints.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { CleanslateError, isErrno } from '../errors/index.js';
import type { Signer } from '../types.js';

/** File name of a private signing key written by cleanslate (PKCS#8 PEM, mode 0600). */
export const PRIVATE_KEY_FILE = 'cleanslate-signing.key';
/** File name of the matching public key (SPKI PEM, mode 0644). */
export const PUBLIC_KEY_FILE = 'cleanslate-signing.pub';

/** A key file is a few hundred bytes; anything larger is not one. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

export interface GeneratedKeyPair {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
  keyId: string;
}

export interface KeyPairFiles {
  keyId: string;
  privateKeyPath: string;
  publicKeyPath: string;
}

export interface HostKey {
  signer: Signer;
  /** True when this call created the key (announce it and audit key.generated). */
  created: boolean;
  /** Path of the private key file. */
  path: string;
  publicKeyPath: string;
}

// Generates a fresh Ed25519 key pair as PEM text with its key id.
export function generateKeyPair(): GeneratedKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

// The key id of a key: 'sha256:' + hex SHA-256 of the public key's SPKI DER (a private key is reduced to its public half).
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

// Writes a new key pair into dir (created 0700 if missing): the private key 0600, the public key
// 0644, both created exclusively and fsynced. Refuses (ERR_KEY_EXISTS) to overwrite either file.
export function writeKeyPair(dir: string): KeyPairFiles {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateKeyPath = join(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = join(dir, PUBLIC_KEY_FILE);
  for (const path of [privateKeyPath, publicKeyPath]) {
    if (existsNoFollow(path)) {
      throw new CleanslateError('ERR_KEY_EXISTS', `${path} already exists; refusing to overwrite a key`, {
        target: path,
        step: 'keys generate',
      });
    }
  }
  const pair = generateKeyPair();
  writeNewFile(privateKeyPath, pair.privateKeyPem, 0o600);
  try {
    writeNewFile(publicKeyPath, pair.publicKeyPem, 0o644);
  } catch (error) {
    unlinkSync(privateKeyPath);
    throw error;
  }
  syncDirectory(dir);
  return { keyId: pair.keyId, privateKeyPath, publicKeyPath };
}

// Loads a private Ed25519 key (PKCS#8 PEM, e.g. from `openssl genpkey -algorithm ed25519`) as a
// Signer. Refuses a symlink or non-regular file and a non-Ed25519 key (ERR_KEY_INVALID), and a file
// readable by group or others (ERR_KEY_PERMISSIONS).
export function loadSigningKey(path: string): Signer {
  const step = 'load signing key';
  let fd: number;
  try {
    // O_NOFOLLOW: a symlink fails with ELOOP here, so the file checked is the file read.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (isErrno(error, 'ELOOP') || lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) {
      throw new CleanslateError('ERR_KEY_INVALID', 'the private key is a symlink; give the key file itself', {
        target: path,
        step,
        cause: error,
      });
    }
    throw new CleanslateError('ERR_KEY_INVALID', `cannot open the private key: ${(error as Error).message}`, {
      target: path,
      step,
      cause: error,
    });
  }
  let pem: string;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw new CleanslateError('ERR_KEY_INVALID', 'the private key is not a regular file', { target: path, step });
    }
    if ((stats.mode & 0o077) !== 0) {
      const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
      throw new CleanslateError(
        'ERR_KEY_PERMISSIONS',
        `the private key is readable by group or others (mode ${mode}); fix it with: chmod 600 ${path}`,
        { target: path, step },
      );
    }
    if (stats.size > MAX_KEY_FILE_BYTES) {
      throw new CleanslateError('ERR_KEY_INVALID', 'the file is too large to be a private key', {
        target: path,
        step,
      });
    }
    pem = readAll(fd, MAX_KEY_FILE_BYTES).toString('utf8');
  } finally {
    closeSync(fd);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new CleanslateError(
      'ERR_KEY_INVALID',
      `not a PEM private key (expected PKCS#8, as from \`openssl genpkey -algorithm ed25519\`): ${(error as Error).message}`,
      { target: path, step, cause: error },
    );
  }
  return signerOf(privateKey, path);
}

// A Signer over an Ed25519 private KeyObject; ERR_KEY_INVALID for any other algorithm.
export function signerOf(privateKey: KeyObject, source = 'key'): Signer {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new CleanslateError(
      'ERR_KEY_INVALID',
      `not an Ed25519 private key (${privateKey.asymmetricKeyType ?? privateKey.type}); cleanslate signs with Ed25519`,
      { target: source, step: 'load signing key' },
    );
  }
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (data) => sign(null, data, privateKey),
  };
}

// The host signing key in <stateDir>/keys/ (dir 0700), created on first use.
export function loadOrCreateHostKey(stateDir: string): HostKey {
  const dir = join(stateDir, 'keys');
  const path = join(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = join(dir, PUBLIC_KEY_FILE);
  if (existsNoFollow(path)) return { signer: loadSigningKey(path), created: false, path, publicKeyPath };
  try {
    writeKeyPair(dir);
  } catch (error) {
    // another process created it first: use theirs
    if (!(error instanceof CleanslateError && error.code === 'ERR_KEY_EXISTS') && !isErrno(error, 'EEXIST'))
      throw error;
    return { signer: loadSigningKey(path), created: false, path, publicKeyPath };
  }
  return { signer: loadSigningKey(path), created: true, path, publicKeyPath };
}

// Paths of the host key pair in a state directory (they may not exist).
export function hostKeyPaths(stateDir: string): { privateKeyPath: string; publicKeyPath: string } {
  const dir = join(stateDir, 'keys');
  return { privateKeyPath: join(dir, PRIVATE_KEY_FILE), publicKeyPath: join(dir, PUBLIC_KEY_FILE) };
}

// Parses PEM text into an Ed25519 public key (a private key PEM gives its public half).
export function parsePublicKey(pem: string, source = 'public key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new CleanslateError('ERR_KEY_INVALID', `not a PEM public key: ${(error as Error).message}`, {
      target: source,
      step: 'load public key',
      cause: error,
    });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new CleanslateError('ERR_KEY_INVALID', `not an Ed25519 public key (${key.asymmetricKeyType ?? 'unknown'})`, {
      target: source,
      step: 'load public key',
    });
  }
  return key;
}

// Reads an Ed25519 public key from a PEM file (SPKI "PUBLIC KEY").
export function loadPublicKey(pemPath: string): KeyObject {
  return parsePublicKey(readSmallFile(pemPath, 'load public key'), pemPath);
}

// Every *.pub and *.pem file of a directory as trusted Ed25519 public keys, by key id. A file that
// is not an Ed25519 public key, or a directory without any, is an error (ERR_KEY_INVALID).
export function loadTrustDir(dir: string): Map<string, KeyObject> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new CleanslateError('ERR_KEY_INVALID', `cannot read the trust directory: ${(error as Error).message}`, {
      target: dir,
      step: 'load trust',
      cause: error,
    });
  }
  const keys = new Map<string, KeyObject>();
  for (const name of names.filter((n) => n.endsWith('.pub') || n.endsWith('.pem')).sort()) {
    const key = loadPublicKey(join(dir, name));
    keys.set(keyIdOf(key), key);
  }
  if (keys.size === 0) {
    throw new CleanslateError('ERR_KEY_INVALID', 'no public keys (*.pub, *.pem) in the trust directory', {
      target: dir,
      step: 'load trust',
    });
  }
  return keys;
}

function existsNoFollow(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

// Creates path exclusively with exactly `mode` (umask notwithstanding), writes text and fsyncs.
function writeNewFile(path: string, text: string, mode: number): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  } catch (error) {
    if (isErrno(error, 'EEXIST')) {
      throw new CleanslateError('ERR_KEY_EXISTS', `${path} already exists; refusing to overwrite a key`, {
        target: path,
        step: 'keys generate',
        cause: error,
      });
    }
    throw error;
  }
  try {
    fchmodSync(fd, mode);
    const data = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort: some filesystems refuse fsync on a directory
  }
}

function readAll(fd: number, limit: number): Buffer {
  const buf = Buffer.alloc(limit + 1);
  let total = 0;
  for (;;) {
    const n = readSync(fd, buf, total, buf.length - total, null);
    if (n === 0) break;
    total += n;
    if (total > limit) throw new CleanslateError('ERR_KEY_INVALID', 'the file is too large to be a key');
  }
  return buf.subarray(0, total);
}

function readSmallFile(path: string, step: string): string {
  try {
    const stats = statSync(path);
    if (!stats.isFile()) {
      throw new CleanslateError('ERR_KEY_INVALID', 'not a regular file', { target: path, step });
    }
    if (stats.size > MAX_KEY_FILE_BYTES) {
      throw new CleanslateError('ERR_KEY_INVALID', 'the file is too large to be a key', { target: path, step });
    }
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof CleanslateError) throw error;
    throw new CleanslateError('ERR_KEY_INVALID', `cannot read the key: ${(error as Error).message}`, {
      target: path,
      step,
      cause: error,
    });
  }
}
