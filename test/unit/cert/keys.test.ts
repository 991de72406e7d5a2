import { execa } from 'execa';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  generateKeyPair,
  keyIdOf,
  loadOrCreateHostKey,
  loadPublicKey,
  loadSigningKey,
  loadTrustDir,
  writeKeyPair,
} from '../../../src/cert/index.js';
import { CleanslateError } from '../../../src/errors/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cleanslate-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// openssl's own key id: `openssl pkey -pubin -outform DER | openssl dgst -sha256`, piped by execa.
async function opensslKeyId(publicKeyPem: string): Promise<string> {
  const der = await execa('openssl', ['pkey', '-pubin', '-outform', 'DER'], {
    input: publicKeyPem,
    encoding: 'buffer',
  });
  const dgst = await execa('openssl', ['dgst', '-sha256', '-r'], { input: der.stdout });
  return `sha256:${String(dgst.stdout).split(' ')[0]}`;
}

function thrown(fn: () => unknown): CleanslateError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CleanslateError);
    return error as CleanslateError;
  }
  throw new Error('expected a CleanslateError');
}

describe('key ids', () => {
  test('generateKeyPair gives PKCS#8 and SPKI PEM and a sha256 key id', () => {
    const pair = generateKeyPair();
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(pair.keyId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(keyIdOf(createPublicKey(pair.publicKeyPem))).toBe(pair.keyId);
  });

  test('keyIdOf equals openssl pkey -pubin -outform DER | openssl dgst -sha256', async () => {
    const pair = generateKeyPair();
    expect(await opensslKeyId(pair.publicKeyPem)).toBe(pair.keyId);
  });

  test('keyIdOf a private key is the key id of its public half', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    expect(keyIdOf(privateKey)).toBe(keyIdOf(publicKey));
  });
});

describe('writeKeyPair', () => {
  test('writes the private key 0600 and the public key 0644, and returns the key id', () => {
    const out = join(dir, 'keys');
    const files = writeKeyPair(out);
    expect(statSync(files.privateKeyPath).mode & 0o777).toBe(0o600);
    expect(statSync(files.publicKeyPath).mode & 0o777).toBe(0o644);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(readdirSync(out).sort()).toEqual(['cleanslate-signing.key', 'cleanslate-signing.pub']);
    expect(loadSigningKey(files.privateKeyPath).keyId).toBe(files.keyId);
    expect(keyIdOf(loadPublicKey(files.publicKeyPath))).toBe(files.keyId);
  });

  test('refuses to overwrite (exit 2)', () => {
    writeKeyPair(dir);
    const error = thrown(() => writeKeyPair(dir));
    expect(error.code).toBe('ERR_KEY_EXISTS');
    expect(error.exitCode).toBe(2);
  });
});

describe('loadSigningKey', () => {
  test('refuses a private key readable by group or others, saying chmod 600 PATH (exit 2)', () => {
    const { privateKeyPath } = writeKeyPair(dir);
    for (const mode of [0o640, 0o604, 0o644]) {
      chmodSync(privateKeyPath, mode);
      const error = thrown(() => loadSigningKey(privateKeyPath));
      expect(error.code).toBe('ERR_KEY_PERMISSIONS');
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain(`chmod 600 ${privateKeyPath}`);
    }
    chmodSync(privateKeyPath, 0o400);
    expect(loadSigningKey(privateKeyPath).keyId).toMatch(/^sha256:/);
  });

  test('refuses a symlink to a key', () => {
    const { privateKeyPath } = writeKeyPair(dir);
    const link = join(dir, 'link.key');
    symlinkSync(privateKeyPath, link);
    const error = thrown(() => loadSigningKey(link));
    expect(error.code).toBe('ERR_KEY_INVALID');
    expect(error.exitCode).toBe(2);
  });

  test('refuses a non-Ed25519 key, a public key, garbage and a missing file (exit 2)', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const cases: Record<string, string | null> = {
      'rsa.key': rsa.toString(),
      'pub.key': generateKeyPair().publicKeyPem,
      'garbage.key': 'not a key\n',
      'missing.key': null,
    };
    for (const [name, content] of Object.entries(cases)) {
      const path = join(dir, name);
      if (content !== null) writeFileSync(path, content, { mode: 0o600 });
      const error = thrown(() => loadSigningKey(path));
      expect(error.code, name).toBe('ERR_KEY_INVALID');
      expect(error.exitCode).toBe(2);
    }
  });

  test('accepts a key made by openssl genpkey -algorithm ed25519', async () => {
    const path = join(dir, 'openssl.key');
    await execa('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', path]);
    chmodSync(path, 0o600);
    const signer = loadSigningKey(path);
    const { stdout: pub } = await execa('openssl', ['pkey', '-in', path, '-pubout']);
    expect(signer.keyId).toBe(await opensslKeyId(`${pub}\n`));
    expect(signer.sign(Buffer.from('x'))).toHaveLength(64);
  });
});

describe('loadOrCreateHostKey', () => {
  test('creates the host key in <state>/keys (0700) on first use, then reuses it', () => {
    const first = loadOrCreateHostKey(dir);
    expect(first.created).toBe(true);
    expect(first.path).toBe(join(dir, 'keys', 'cleanslate-signing.key'));
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    const second = loadOrCreateHostKey(dir);
    expect(second.created).toBe(false);
    expect(second.signer.keyId).toBe(first.signer.keyId);
  });

  test('refuses an existing host key readable by others', () => {
    const { path } = loadOrCreateHostKey(dir);
    chmodSync(path, 0o644);
    expect(thrown(() => loadOrCreateHostKey(dir)).code).toBe('ERR_KEY_PERMISSIONS');
  });
});

describe('loadTrustDir', () => {
  test('loads every *.pub and *.pem key by key id, ignoring other files', () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    writeFileSync(join(dir, 'a.pub'), a.publicKeyPem);
    writeFileSync(join(dir, 'b.pem'), b.publicKeyPem);
    writeFileSync(join(dir, 'README'), 'not a key');
    const keys = loadTrustDir(dir);
    expect([...keys.keys()].sort()).toEqual([a.keyId, b.keyId].sort());
  });

  test('an empty directory, a bad key file or a missing directory is an input error', () => {
    expect(thrown(() => loadTrustDir(dir)).exitCode).toBe(2);
    writeFileSync(join(dir, 'bad.pem'), 'junk');
    expect(thrown(() => loadTrustDir(dir)).code).toBe('ERR_KEY_INVALID');
    expect(thrown(() => loadTrustDir(join(dir, 'nope'))).exitCode).toBe(2);
  });
});
