// Fixtures for the bad-input matrix (test/e2e/bad-input.test.ts): real files of every awkward kind,
// real keys, a real certificate and audit log made by the built CLI, hostile variants of both, and a
// fingerprint of any path that proves nothing was written.
import { execa } from 'execa';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

const MiB = 1024 * 1024;

// What a path is, down to its bytes: a file's SHA-256 and mode, a symlink's target, a directory's
// listing, a FIFO's mode (never opened: that would block), a block device's SHA-256; 'absent' if none.
export async function fingerprint(path: string): Promise<string> {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (!stats) return 'absent';
  const mode = (stats.mode & 0o7777).toString(8);
  if (stats.isSymbolicLink()) return `symlink -> ${readlinkSync(path)}`;
  if (stats.isDirectory()) return `dir ${mode} [${readdirSync(path).sort().join(',')}]`;
  if (stats.isFIFO()) return `fifo ${mode}`;
  if (stats.isCharacterDevice()) return `chardev ${stats.rdev}`;
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4 * MiB);
    for (let position = 0; ;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return `${stats.isBlockDevice() ? 'block' : 'file'} ${mode} ${stats.size} sha256:${hash.digest('hex')}`;
}

// Fingerprints of several paths, by path.
export async function fingerprints(paths: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of paths) out[path] = await fingerprint(path);
  return out;
}

// A DSSE envelope with `payload` signed by `key` (Ed25519 over the PAE), as cleanslate writes them.
export function signEnvelope(payload: Buffer, key: KeyObject, payloadType = 'application/vnd.in-toto+json'): string {
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const keyid = `sha256:${createHash('sha256').update(der).digest('hex')}`;
  const pae = Buffer.concat([
    Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `),
    payload,
  ]);
  const sig = sign(null, pae, key).toString('base64');
  return JSON.stringify({ payloadType, payload: payload.toString('base64'), signatures: [{ keyid, sig }] });
}

interface Envelope {
  payloadType: string;
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

export interface BadInputFixtures {
  dir: string;
  state: string;
  /** A random 4 MiB image that no row may change. */
  image: string;
  /** The image wiped (zero) by the fixture builder; `certificate` names it. */
  certified: string;
  certificate: string;
  certDir: string;
  hostPub: string;
  hostKey: string;
  empty: string;
  fifo: string;
  loopA: string;
  dangling: string;
  spaced: string;
  newline: string;
  unicode: string;
  /** Key files for --key / --pubkey. */
  keys: {
    otherPriv: string;
    otherPub: string;
    rsaPriv: string;
    rsaPub: string;
    notPem: string;
    pubAsPriv: string;
    worldReadable: string;
    symlinked: string;
  };
  /** Hostile and malformed certificates. */
  certs: Record<
    | 'notJson'
    | 'notDsse'
    | 'wrongType'
    | 'notBase64'
    | 'huge'
    | 'deep'
    | 'deepPayload'
    | 'otherKey'
    | 'otherKeyClaimed'
    | 'flipped'
    | 'float'
    | 'negative'
    | 'unknownResult',
    string
  >;
  /** Audit logs: a copy of the real one, and tampered copies. */
  logs: Record<'intact' | 'edited' | 'deleted' | 'reordered' | 'truncated' | 'garbage' | 'empty' | 'directory', string>;
  seeds: Record<'malformed' | 'directory' | 'dangling', string>;
  /** A regular file used where a directory is expected (CLEANSLATE_HOME, --cert-dir, --out). */
  plainFile: string;
  /** An empty directory (a state directory without a host key). */
  emptyDir: string;
  /** A directory that does not exist, for output paths that must stay absent. */
  outDir: string;
}

const writePem = (path: string, pem: string | Buffer, mode = 0o600) => {
  writeFileSync(path, pem, { mode });
  chmodSync(path, mode);
};

// Builds every fixture under dir; the certificate and audit log come from a real wipe by the built CLI.
export async function buildBadInputFixtures(dir: string): Promise<BadInputFixtures> {
  const p = (...parts: string[]) => join(dir, ...parts);
  const state = p('state');
  const image = p('disk.img');
  writeFileSync(image, randomish(4 * MiB, 1));
  const certified = p('certified.img');
  writeFileSync(certified, randomish(4 * MiB, 2));

  const keys = await runCli(['keys', 'generate', '--json'], { stateDir: state });
  if (keys.exitCode !== 0) throw new Error(`keys generate failed: ${keys.stderr}`);
  const hostKey = join(state, 'keys', 'cleanslate-signing.key');
  const hostPub = join(state, 'keys', 'cleanslate-signing.pub');
  const certDir = p('certs');
  const wipe = await runCli(['wipe', certified, '--method', 'zero', '--yes', '--json', '--cert-dir', certDir], {
    stateDir: state,
  });
  if (wipe.exitCode !== 0) throw new Error(`fixture wipe failed: ${wipe.stderr}`);
  const certificate = (JSON.parse(wipe.stdout) as { certificate: { path: string } }).certificate.path;

  const empty = p('empty.img');
  writeFileSync(empty, '');
  const fifo = p('pipe.fifo');
  await execa('mkfifo', [fifo]);
  symlinkSync(p('loop-b'), p('loop-a'));
  symlinkSync(p('loop-a'), p('loop-b'));
  symlinkSync(p('nowhere.img'), p('dangling.img'));
  const spaced = p('with space.img');
  const newline = p('new\nline.img');
  const unicode = p('ünïcødé-😀.img');
  for (const copy of [spaced, newline, unicode]) copyFileSync(image, copy);

  // keys
  mkdirSync(p('keys'));
  const other = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const k = {
    otherPriv: p('keys', 'other.key'),
    otherPub: p('keys', 'other.pub'),
    rsaPriv: p('keys', 'rsa.key'),
    rsaPub: p('keys', 'rsa.pub'),
    notPem: p('keys', 'not-pem.key'),
    pubAsPriv: p('keys', 'public-as-private.key'),
    worldReadable: p('keys', 'world-readable.key'),
    symlinked: p('keys', 'symlinked.key'),
  };
  writePem(k.otherPriv, other.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writePem(k.otherPub, other.publicKey.export({ type: 'spki', format: 'pem' }), 0o644);
  writePem(k.rsaPriv, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writePem(k.rsaPub, rsa.publicKey.export({ type: 'spki', format: 'pem' }), 0o644);
  writePem(k.notPem, 'this is not a key\n');
  writePem(k.pubAsPriv, readFileSync(hostPub));
  writePem(k.worldReadable, readFileSync(k.otherPriv), 0o644);
  symlinkSync(k.otherPriv, k.symlinked);

  // certificates
  mkdirSync(p('bad-certs'));
  const c = (name: string) => p('bad-certs', name);
  const envelope = JSON.parse(readFileSync(certificate, 'utf8')) as Envelope;
  const payload = Buffer.from(envelope.payload, 'base64');
  const hostSigner = createPrivateKey(readFileSync(hostKey));
  const resigned = (mutate: (statement: { predicate: Record<string, unknown> }) => void) => {
    const statement = JSON.parse(payload.toString('utf8')) as { predicate: Record<string, unknown> };
    mutate(statement);
    return signEnvelope(Buffer.from(JSON.stringify(statement)), hostSigner);
  };
  const flippedPayload = Buffer.from(payload);
  const middle = flippedPayload.indexOf('"sizeBytes":') + '"sizeBytes":'.length;
  flippedPayload[middle] = (flippedPayload[middle] ?? 0x30) ^ 0x01;
  const otherKeyEnvelope = JSON.parse(signEnvelope(payload, other.privateKey)) as Envelope;
  const certs = {
    notJson: c('not-json.cert.json'),
    notDsse: c('not-dsse.cert.json'),
    wrongType: c('wrong-type.cert.json'),
    notBase64: c('not-base64.cert.json'),
    huge: c('huge.cert.json'),
    deep: c('deep.cert.json'),
    deepPayload: c('deep-payload.cert.json'),
    otherKey: c('other-key.cert.json'),
    otherKeyClaimed: c('other-key-claimed.cert.json'),
    flipped: c('flipped.cert.json'),
    float: c('float.cert.json'),
    negative: c('negative.cert.json'),
    unknownResult: c('unknown-result.cert.json'),
  };
  writeFileSync(certs.notJson, 'certainly {not json\n');
  writeFileSync(certs.notDsse, JSON.stringify({ certificate: 'yes', signed: true }));
  writeFileSync(certs.wrongType, signEnvelope(payload, hostSigner, 'text/plain'));
  writeFileSync(certs.notBase64, JSON.stringify({ ...envelope, payload: '%%% not base64 %%%' }));
  writeFileSync(
    certs.huge,
    `{"payloadType":"application/vnd.in-toto+json","payload":"${'A'.repeat(20 * MiB)}","signatures":[]}`,
  );
  writeFileSync(certs.deep, `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`);
  writeFileSync(certs.deepPayload, signEnvelope(Buffer.from(`${'['.repeat(5_000)}${']'.repeat(5_000)}`), hostSigner));
  writeFileSync(certs.otherKey, JSON.stringify(otherKeyEnvelope));
  // the other key's signature under the host key's key id
  writeFileSync(
    certs.otherKeyClaimed,
    JSON.stringify({
      ...otherKeyEnvelope,
      signatures: [{ ...otherKeyEnvelope.signatures[0], keyid: envelope.signatures[0]?.keyid }],
    }),
  );
  writeFileSync(certs.flipped, JSON.stringify({ ...envelope, payload: flippedPayload.toString('base64') }));
  writeFileSync(
    certs.float,
    resigned((s) => {
      (s.predicate.media as Record<string, unknown>).sizeBytes = 4 * MiB + 0.5;
    }),
  );
  writeFileSync(
    certs.negative,
    resigned((s) => {
      (s.predicate.media as Record<string, unknown>).sizeBytes = -4096;
    }),
  );
  writeFileSync(
    certs.unknownResult,
    resigned((s) => {
      s.predicate.result = 'PROBABLY';
    }),
  );

  // audit logs, from the real one
  mkdirSync(p('logs'));
  const l = (name: string) => p('logs', name);
  const lines = readFileSync(join(state, 'audit.log'), 'utf8').split('\n').slice(0, -1);
  if (lines.length < 4) throw new Error(`the fixture audit log has only ${lines.length} lines`);
  const edited = JSON.parse(lines[1]!) as Record<string, unknown>;
  edited.operator = 'mallory';
  const logs = {
    intact: l('intact.log'),
    edited: l('edited.log'),
    deleted: l('deleted.log'),
    reordered: l('reordered.log'),
    truncated: l('truncated.log'),
    garbage: l('garbage.log'),
    empty: l('empty.log'),
    directory: l('directory.log'),
  };
  const joinLines = (ls: string[]) => ls.map((x) => `${x}\n`).join('');
  writeFileSync(logs.intact, joinLines(lines));
  writeFileSync(logs.edited, joinLines([lines[0]!, JSON.stringify(edited), ...lines.slice(2)]));
  writeFileSync(logs.deleted, joinLines([lines[0]!, ...lines.slice(2)]));
  writeFileSync(logs.reordered, joinLines([lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)]));
  writeFileSync(logs.truncated, joinLines(lines).slice(0, -25));
  writeFileSync(logs.garbage, randomish(3000, 3));
  writeFileSync(logs.empty, '');
  mkdirSync(logs.directory);

  // seed files for scan --expect random:SEEDFILE
  const seeds = { malformed: p('malformed.seed'), directory: p('seed-dir'), dangling: p('dangling.seed') };
  writePem(seeds.malformed, '{"version":1,"methodId":"random","seed":"not hex"}\n');
  mkdirSync(seeds.directory);
  symlinkSync(p('no-such.seed'), seeds.dangling);

  const plainFile = p('plain-file');
  writeFileSync(plainFile, 'I am a file, not a directory\n');
  const emptyDir = p('empty-state');
  mkdirSync(emptyDir);

  return {
    dir,
    state,
    image,
    certified,
    certificate,
    certDir,
    hostPub,
    hostKey,
    empty,
    fifo,
    loopA: p('loop-a'),
    dangling: p('dangling.img'),
    spaced,
    newline,
    unicode,
    keys: k,
    certs,
    logs,
    seeds,
    plainFile,
    emptyDir,
    outDir: p('no-such-dir'),
  };
}

// Deterministic bytes that look random (no signature a scanner would name), from a seed.
function randomish(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let block = createHash('sha256').update(`bad-input-${seed}`).digest();
  for (let at = 0; at < length; at += block.length) {
    block.copy(out, at);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}
