// The bad-input matrix (issue 6): every command given bad paths, flags, keys, certificates, audit
// logs, sizes and permissions, through the built CLI. Each row states the exit code (DESIGN §2), a
// pattern the stderr message must match (naming the target or file, and the step), what stdout holds
// (nothing, or one JSON document with --json), and proves with fingerprints that nothing was written.
import { chmodSync, chownSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tmp from 'tmp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildBadInputFixtures, fingerprints, type BadInputFixtures } from '../helpers/bad-input-fixtures.js';
import { isRoot, describeLoop } from '../helpers/gates.js';
import { withLoopDevice } from '../helpers/loop-device.js';
import { runCli } from '../helpers/run-cli.js';

tmp.setGracefulCleanup();

type Command =
  | 'devices'
  | 'methods'
  | 'wipe'
  | 'scan'
  | 'cert verify'
  | 'cert show'
  | 'cert render'
  | 'gate'
  | 'keys generate'
  | 'audit verify'
  | 'audit show';

interface Row {
  command: Command;
  name: string;
  argv: (f: BadInputFixtures) => string[];
  code: number;
  /** What stderr must match: the target or file, the step, the reason. */
  stderr: (f: BadInputFixtures) => RegExp;
  /** Paths that must be unchanged (besides the shared image, certificate and certificate folders). */
  files?: (f: BadInputFixtures) => string[];
  env?: (f: BadInputFixtures) => Record<string, string>;
  /** Non-JSON rows whose stdout is a report (else stdout must be empty). */
  stdout?: RegExp;
  /** A usage error found by the option parser, before any command runs (with --json: an ERR_USAGE document). */
  parser?: boolean;
  /** More checks on the --json document. */
  json?: (doc: Record<string, unknown>, f: BadInputFixtures) => void;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// A pattern whose parts must appear in order, each escaped.
const seq = (...parts: (string | RegExp)[]) =>
  new RegExp(parts.map((p) => (typeof p === 'string' ? esc(p) : p.source)).join('.*'), 's');

const ROWS: Row[] = [
  // devices, methods: flags only
  {
    command: 'devices',
    name: 'unknown flag',
    argv: () => ['devices', '--bogus', '--json'],
    code: 2,
    parser: true,
    stderr: () => /unknown option '--bogus'/,
  },
  {
    command: 'devices',
    name: 'an argument it does not take',
    argv: () => ['devices', '/dev/sda'],
    code: 2,
    parser: true,
    stderr: () => /too many arguments for 'devices'/,
  },
  {
    command: 'methods',
    name: 'unknown flag',
    argv: () => ['methods', '--json', '--verbose'],
    code: 2,
    parser: true,
    stderr: () => /unknown option '--verbose'/,
  },
  {
    command: 'methods',
    name: 'an argument it does not take',
    argv: () => ['methods', 'zero'],
    code: 2,
    parser: true,
    stderr: () => /too many arguments for 'methods'/,
  },

  // wipe: paths
  {
    command: 'wipe',
    name: 'a nonexistent path',
    argv: (f) => ['wipe', join(f.dir, 'nope.img'), '--yes', '--json'],
    code: 2,
    stderr: (f) => seq(join(f.dir, 'nope.img'), ': resolve: no such file'),
    json: (d) => expect(d).toMatchObject({ error: { code: 'ERR_TARGET_NOT_FOUND', step: 'resolve' } }),
  },
  {
    command: 'wipe',
    name: 'a directory',
    argv: (f) => ['wipe', f.dir, '--yes', '--json'],
    code: 2,
    stderr: (f) => seq(f.dir, ': resolve: ', 'is a directory'),
    files: (f) => [f.dir],
  },
  {
    command: 'wipe',
    name: '/dev/null',
    argv: () => ['wipe', '/dev/null', '--yes'],
    code: 2,
    stderr: () => /\/dev\/null: resolve: \/dev\/null is a character device/,
    files: () => ['/dev/null'],
  },
  {
    command: 'wipe',
    name: 'a zero-size image',
    argv: (f) => ['wipe', f.empty, '--yes', '--json'],
    code: 2,
    stderr: (f) => seq(f.empty, ': resolve: ', 'is empty (size 0)'),
    files: (f) => [f.empty],
  },
  {
    command: 'wipe',
    name: 'a FIFO',
    argv: (f) => ['wipe', f.fifo, '--yes'],
    code: 2,
    stderr: (f) => seq(f.fifo, ': resolve: ', 'is a FIFO'),
    files: (f) => [f.fifo],
  },
  {
    command: 'wipe',
    name: 'a symlink loop',
    argv: (f) => ['wipe', f.loopA, '--yes'],
    code: 2,
    stderr: (f) => seq(f.loopA, ': resolve: ', 'ELOOP'),
    files: (f) => [f.loopA],
  },
  {
    command: 'wipe',
    name: 'a dangling symlink',
    argv: (f) => ['wipe', f.dangling, '--yes', '--json'],
    code: 2,
    stderr: (f) => seq(f.dangling, ': resolve: no such file'),
    files: (f) => [f.dangling, join(f.dir, 'nowhere.img')],
  },
  {
    command: 'wipe',
    name: 'a path with spaces (unknown method)',
    argv: (f) => ['wipe', f.spaced, '--method', 'shred-it', '--yes', '--json'],
    code: 2,
    stderr: (f) => seq(f.spaced, ": plan: unknown method 'shred-it'"),
    files: (f) => [f.spaced],
    json: (d) => expect(d).toMatchObject({ error: { code: 'ERR_UNKNOWN_METHOD' } }),
  },
  {
    command: 'wipe',
    name: 'a path with a newline, escaped on one line',
    argv: (f) => ['wipe', f.newline, '--method', 'shred-it', '--yes'],
    code: 2,
    stderr: (f) =>
      new RegExp(`^cleanslate: ${esc(f.newline.replace('\n', '\\n'))}: plan: unknown method 'shred-it'[^\\n]*$`),
    files: (f) => [f.newline],
  },
  {
    command: 'wipe',
    name: 'a unicode path (unknown method)',
    argv: (f) => ['wipe', f.unicode, '--method', 'DoD-3'],
    code: 2,
    stderr: (f) => seq(f.unicode, ": plan: unknown method 'DoD-3'"),
    files: (f) => [f.unicode],
  },
  {
    command: 'wipe',
    name: 'a relative path that does not exist',
    argv: () => ['wipe', '../missing/disk.img', '--yes'],
    code: 2,
    stderr: () => /\.\.\/missing\/disk\.img: resolve: no such file/,
  },
  {
    command: 'wipe',
    name: 'a relative path (unknown method)',
    argv: () => ['wipe', './disk.img', '--method', 'nope', '--yes'],
    code: 2,
    stderr: () => /\.\/disk\.img: plan: unknown method 'nope'/,
  },
  // wipe: flags
  {
    command: 'wipe',
    name: 'unknown flag',
    argv: (f) => ['wipe', f.image, '--yes', '--force', '--json'],
    code: 2,
    parser: true,
    stderr: () => /^cleanslate: error: unknown option '--force'/,
  },
  {
    command: 'wipe',
    name: 'bad --verify choice',
    argv: (f) => ['wipe', f.image, '--yes', '--verify', 'sometimes'],
    code: 2,
    parser: true,
    stderr: () => /'--verify <mode>' argument 'sometimes' is invalid/,
  },
  {
    command: 'wipe',
    name: 'bad --scan choice',
    argv: (f) => ['wipe', f.image, '--yes', '--scan', 'deep'],
    code: 2,
    parser: true,
    stderr: () => /'--scan <mode>' argument 'deep' is invalid/,
  },
  {
    command: 'wipe',
    name: 'bad --progress choice',
    argv: (f) => ['wipe', f.image, '--yes', '--progress', 'loud'],
    code: 2,
    parser: true,
    stderr: () => /'--progress <mode>' argument 'loud' is invalid/,
  },
  {
    command: 'wipe',
    name: 'bad --crypto-erase choice',
    argv: (f) => ['wipe', f.image, '--yes', '--crypto-erase', 'magic'],
    code: 2,
    parser: true,
    stderr: () => /'--crypto-erase <backend>' argument 'magic' is invalid/,
  },
  {
    command: 'wipe',
    name: 'bad --fallback choice',
    argv: (f) => ['wipe', f.image, '--yes', '--fallback', 'shrug'],
    code: 2,
    parser: true,
    stderr: () => /'--fallback <what>' argument 'shrug' is invalid/,
  },
  {
    command: 'wipe',
    name: 'conflicting --dry-run and --keep-seed',
    argv: (f) => ['wipe', f.image, '--dry-run', '--keep-seed', '--yes'],
    code: 2,
    parser: true,
    stderr: () => /'-n, --dry-run' cannot be used with option '--keep-seed'/,
  },
  {
    command: 'wipe',
    name: 'no --yes without a terminal',
    argv: (f) => ['wipe', f.image, '--method', 'zero', '--json'],
    code: 3,
    stderr: (f) => seq(f.image, ': guard:confirmed: ', '--yes'),
    json: (d) => expect(d).toMatchObject({ error: { code: 'ERR_GUARD_UNCONFIRMED', exitCode: 3 } }),
  },
  // wipe: key files
  {
    command: 'wipe',
    name: '--key missing',
    argv: (f) => ['wipe', f.image, '--yes', '--key', join(f.dir, 'keys', 'missing.key'), '--json'],
    code: 2,
    stderr: (f) => seq(join(f.dir, 'keys', 'missing.key'), ': load signing key: cannot open the private key'),
    json: (d) => expect(d).toMatchObject({ error: { code: 'ERR_KEY_INVALID' } }),
  },
  {
    command: 'wipe',
    name: '--key not PEM',
    argv: (f) => ['wipe', f.image, '--yes', '--key', f.keys.notPem],
    code: 2,
    stderr: (f) => seq(f.keys.notPem, ': load signing key: not a PEM private key'),
    files: (f) => [f.keys.notPem],
  },
  {
    command: 'wipe',
    name: '--key an RSA key',
    argv: (f) => ['wipe', f.image, '--yes', '--key', f.keys.rsaPriv],
    code: 2,
    stderr: (f) => seq(f.keys.rsaPriv, ': load signing key: not an Ed25519 private key (rsa)'),
    files: (f) => [f.keys.rsaPriv],
  },
  {
    command: 'wipe',
    name: '--key a public key',
    argv: (f) => ['wipe', f.image, '--yes', '--key', f.keys.pubAsPriv],
    code: 2,
    stderr: (f) => seq(f.keys.pubAsPriv, ': load signing key: not a PEM private key'),
    files: (f) => [f.keys.pubAsPriv],
  },
  {
    command: 'wipe',
    name: '--key readable by others (0644)',
    argv: (f) => ['wipe', f.image, '--yes', '--key', f.keys.worldReadable, '--json'],
    code: 2,
    stderr: (f) => seq(f.keys.worldReadable, ': load signing key: ', 'mode 0644', `chmod 600 ${f.keys.worldReadable}`),
    files: (f) => [f.keys.worldReadable],
    json: (d) => expect(d).toMatchObject({ error: { code: 'ERR_KEY_PERMISSIONS' } }),
  },
  {
    command: 'wipe',
    name: '--key a symlink',
    argv: (f) => ['wipe', f.image, '--yes', '--key', f.keys.symlinked],
    code: 2,
    stderr: (f) => seq(f.keys.symlinked, ': load signing key: the private key is a symlink'),
    files: (f) => [f.keys.symlinked, f.keys.otherPriv],
  },
  // wipe: state and output folders
  {
    command: 'wipe',
    name: '--cert-dir is a file (checked before any write)',
    argv: (f) => ['wipe', f.image, '--method', 'zero', '--yes', '--cert-dir', f.plainFile, '--json'],
    code: 2,
    stderr: (f) => seq(f.plainFile, ': --cert-dir: ', 'is not a directory'),
    files: (f) => [f.plainFile],
    json: (d) => expect(d).toMatchObject({ error: { code: 'ERR_STATE_DIR', step: '--cert-dir' } }),
  },
  {
    command: 'wipe',
    name: 'CLEANSLATE_HOME is a file',
    argv: (f) => ['wipe', f.image, '--method', 'zero', '--yes', '--json'],
    env: (f) => ({ CLEANSLATE_HOME: f.plainFile }),
    code: 2,
    stderr: (f) => seq(f.plainFile, ': load host key: cannot use the directory'),
    files: (f) => [f.plainFile],
    json: (d) => expect(d).toMatchObject({ error: { code: 'ERR_STATE_DIR', exitCode: 2 } }),
  },

  // scan
  {
    command: 'scan',
    name: 'a nonexistent path',
    argv: (f) => ['scan', join(f.dir, 'nope.img'), '--json'],
    code: 2,
    stderr: (f) => seq(join(f.dir, 'nope.img'), ': resolve: no such file'),
    json: (d, f) =>
      expect(d).toMatchObject({ target: { path: join(f.dir, 'nope.img') }, error: { code: 'ERR_TARGET_NOT_FOUND' } }),
  },
  {
    command: 'scan',
    name: 'a directory',
    argv: (f) => ['scan', f.dir],
    code: 2,
    stderr: (f) => seq(f.dir, ': resolve: ', 'is a directory'),
  },
  {
    command: 'scan',
    name: '/dev/null',
    argv: () => ['scan', '/dev/null', '--json'],
    code: 2,
    stderr: () => /\/dev\/null: resolve: .*character device/,
  },
  {
    command: 'scan',
    name: 'a zero-size image',
    argv: (f) => ['scan', f.empty],
    code: 2,
    stderr: (f) => seq(f.empty, ': resolve: ', 'empty (size 0)'),
    files: (f) => [f.empty],
  },
  {
    command: 'scan',
    name: 'a FIFO',
    argv: (f) => ['scan', f.fifo, '--json'],
    code: 2,
    stderr: (f) => seq(f.fifo, ': resolve: ', 'FIFO'),
    files: (f) => [f.fifo],
  },
  {
    command: 'scan',
    name: 'a symlink loop',
    argv: (f) => ['scan', f.loopA],
    code: 2,
    stderr: (f) => seq(f.loopA, ': resolve: ', 'ELOOP'),
  },
  {
    command: 'scan',
    name: 'a dangling symlink',
    argv: (f) => ['scan', f.dangling],
    code: 2,
    stderr: (f) => seq(f.dangling, ': resolve: no such file'),
  },
  {
    command: 'scan',
    name: '--confidence out of range',
    argv: (f) => ['scan', f.image, '--sample', '--confidence', '1.5', '--json'],
    code: 2,
    stderr: (f) => seq(f.image, ": options: --confidence must be a number between 0 and 1, got '1.5'"),
  },
  {
    command: 'scan',
    name: '--confidence not a number',
    argv: (f) => ['scan', f.image, '--sample', '--confidence', 'high'],
    code: 2,
    stderr: (f) => seq(f.image, ": options: --confidence must be a number between 0 and 1, got 'high'"),
  },
  {
    command: 'scan',
    name: '--residue-fraction 0',
    argv: (f) => ['scan', f.image, '--sample', '--residue-fraction', '0'],
    code: 2,
    stderr: (f) => seq(f.image, ": options: --residue-fraction must be a number between 0 and 1, got '0'"),
  },
  {
    command: 'scan',
    name: '--residue-fraction without --sample',
    argv: (f) => ['scan', f.image, '--residue-fraction', '0.01', '--json'],
    code: 2,
    stderr: (f) => seq(f.image, ': options: --confidence and --residue-fraction go with --sample'),
  },
  {
    command: 'scan',
    name: 'conflicting --full and --sample',
    argv: (f) => ['scan', f.image, '--full', '--sample'],
    code: 2,
    parser: true,
    stderr: () => /option '--full' cannot be used with option '--sample'/,
  },
  {
    command: 'scan',
    name: '--expect byte:0x1FF',
    argv: (f) => ['scan', f.image, '--expect', 'byte:0x1FF', '--json'],
    code: 2,
    stderr: (f) => seq(f.image, ": expect: --expect 'byte:0x1FF'"),
    json: (d) => expect(d).toMatchObject({ error: { code: 'ERR_USAGE', step: 'expect' } }),
  },
  {
    command: 'scan',
    name: '--expect random: without a file',
    argv: (f) => ['scan', f.image, '--expect', 'random:'],
    code: 2,
    stderr: (f) => seq(f.image, ": expect: --expect 'random:'"),
  },
  {
    command: 'scan',
    name: '--expect random: a missing seed file',
    argv: (f) => ['scan', f.image, '--expect', `random:${join(f.dir, 'missing.seed')}`],
    code: 2,
    stderr: (f) => seq(join(f.dir, 'missing.seed'), ': expect: cannot read the seed file', 'ENOENT'),
  },
  {
    command: 'scan',
    name: '--expect random: a malformed seed file',
    argv: (f) => ['scan', f.image, '--expect', `random:${f.seeds.malformed}`, '--json'],
    code: 2,
    stderr: (f) => seq(f.seeds.malformed, ': expect: not a cleanslate seed file'),
    files: (f) => [f.seeds.malformed],
  },
  {
    command: 'scan',
    name: '--expect random: a directory',
    argv: (f) => ['scan', f.image, '--expect', `random:${f.seeds.directory}`],
    code: 2,
    stderr: (f) => seq(f.seeds.directory, ': expect: cannot read the seed file', 'EISDIR'),
  },
  {
    command: 'scan',
    name: '--expect random: a dangling symlink',
    argv: (f) => ['scan', f.image, '--expect', `random:${f.seeds.dangling}`],
    code: 2,
    stderr: (f) => seq(f.seeds.dangling, ': expect: cannot read the seed file', 'ENOENT'),
  },
  {
    command: 'scan',
    name: 'unknown --expect on a unicode path',
    argv: (f) => ['scan', f.unicode, '--expect', 'zeros'],
    code: 2,
    stderr: (f) => seq(f.unicode, ": expect: --expect 'zeros'"),
    files: (f) => [f.unicode],
  },

  // cert verify
  {
    command: 'cert verify',
    name: 'not JSON',
    argv: (f) => ['cert', 'verify', f.certs.notJson, '--pubkey', f.hostPub, '--json'],
    code: 2,
    stderr: (f) => seq(f.certs.notJson, ': read certificate: the file is not JSON'),
    files: (f) => [f.certs.notJson],
    json: (d) => expect(d).toMatchObject({ valid: false, error: { code: 'ERR_CERT_MALFORMED' } }),
  },
  {
    command: 'cert verify',
    name: 'JSON but not DSSE',
    argv: (f) => ['cert', 'verify', f.certs.notDsse, '--pubkey', f.hostPub],
    code: 2,
    stderr: (f) => seq(f.certs.notDsse, ': read certificate: not a cleanslate certificate'),
  },
  {
    command: 'cert verify',
    name: 'wrong payloadType',
    argv: (f) => ['cert', 'verify', f.certs.wrongType, '--pubkey', f.hostPub, '--json'],
    code: 5,
    stderr: (f) => seq(f.certs.wrongType, ': verify certificate: payloadType is "text/plain"'),
    json: (d) => expect(d).toMatchObject({ valid: false, error: { code: 'ERR_CERT_PAYLOAD', exitCode: 5 } }),
  },
  {
    command: 'cert verify',
    name: 'payload not base64',
    argv: (f) => ['cert', 'verify', f.certs.notBase64, '--pubkey', f.hostPub],
    code: 2,
    stderr: (f) => seq(f.certs.notBase64, ': read certificate: ', 'base64'),
  },
  {
    command: 'cert verify',
    name: 'a 20 MB payload',
    argv: (f) => ['cert', 'verify', f.certs.huge, '--pubkey', f.hostPub, '--json'],
    code: 2,
    stderr: (f) => seq(f.certs.huge, ': read certificate: the certificate is larger than 1048576 bytes'),
    files: (f) => [f.certs.huge],
  },
  {
    command: 'cert verify',
    name: 'JSON nested 50 000 deep',
    argv: (f) => ['cert', 'verify', f.certs.deep, '--pubkey', f.hostPub],
    code: 2,
    stderr: (f) => seq(f.certs.deep, ': read certificate: the file nests JSON deeper than 32 levels'),
  },
  {
    command: 'cert verify',
    name: 'a signed payload nested 5 000 deep',
    argv: (f) => ['cert', 'verify', f.certs.deepPayload, '--pubkey', f.hostPub],
    code: 5,
    stderr: (f) => seq(f.certs.deepPayload, ': read certificate: the payload nests JSON deeper than 32 levels'),
  },
  {
    command: 'cert verify',
    name: 'signed by another key',
    argv: (f) => ['cert', 'verify', f.certs.otherKey, '--pubkey', f.hostPub, '--json'],
    code: 5,
    stderr: (f) => seq(f.certs.otherKey, ': verify signature: signed by an untrusted key'),
    json: (d) => expect(d).toMatchObject({ valid: false, error: { code: 'ERR_KEY_UNTRUSTED' } }),
  },
  {
    command: 'cert verify',
    name: "another key's signature under the trusted key id",
    argv: (f) => ['cert', 'verify', f.certs.otherKeyClaimed, '--pubkey', f.hostPub],
    code: 5,
    stderr: (f) => seq(f.certs.otherKeyClaimed, ': verify signature: the signature does not verify'),
  },
  {
    command: 'cert verify',
    name: 'a flipped byte in the payload',
    argv: (f) => ['cert', 'verify', f.certs.flipped, '--pubkey', f.hostPub, '--json'],
    code: 5,
    stderr: (f) => seq(f.certs.flipped, ': verify signature: the signature does not verify'),
    json: (d) => expect(d).toMatchObject({ valid: false, error: { code: 'ERR_SIGNATURE_INVALID' } }),
  },
  {
    command: 'cert verify',
    name: 'a signed statement with a float size',
    argv: (f) => ['cert', 'verify', f.certs.float, '--pubkey', f.hostPub],
    code: 5,
    stderr: (f) => seq(f.certs.float, ': read statement: ', 'sizeBytes is not an integer'),
  },
  {
    command: 'cert verify',
    name: 'a signed statement with a negative size',
    argv: (f) => ['cert', 'verify', f.certs.negative, '--pubkey', f.hostPub],
    code: 5,
    stderr: (f) => seq(f.certs.negative, ': read statement: ', 'sizeBytes must be an integer in [0,', 'got -4096'),
  },
  {
    command: 'cert verify',
    name: 'a signed statement with an unknown result',
    argv: (f) => ['cert', 'verify', f.certs.unknownResult, '--pubkey', f.hostPub, '--json'],
    code: 5,
    stderr: (f) => seq(f.certs.unknownResult, ': read statement: ', 'result must be one of PASS, FAIL'),
  },
  {
    command: 'cert verify',
    name: '--pubkey an RSA key',
    argv: (f) => ['cert', 'verify', f.certificate, '--pubkey', f.keys.rsaPub],
    code: 2,
    stderr: (f) => seq(f.keys.rsaPub, ': load public key: not an Ed25519 public key (rsa)'),
  },
  {
    command: 'cert verify',
    name: '--pubkey missing',
    argv: (f) => ['cert', 'verify', f.certificate, '--pubkey', join(f.dir, 'missing.pub'), '--json'],
    code: 2,
    stderr: (f) => seq(join(f.dir, 'missing.pub'), ': load public key: cannot read the key'),
  },
  {
    command: 'cert verify',
    name: 'no trusted key (a state directory without a host key)',
    argv: (f) => ['cert', 'verify', f.certificate],
    env: (f) => ({ CLEANSLATE_HOME: f.emptyDir }),
    code: 2,
    stderr: (f) => seq(f.certificate, ': load trust: no trusted key', f.emptyDir),
    files: (f) => [f.emptyDir],
  },
  {
    command: 'cert verify',
    name: '--trust a directory without keys',
    argv: (f) => ['cert', 'verify', f.certificate, '--trust', f.emptyDir],
    code: 2,
    stderr: (f) => seq(f.emptyDir, ': load trust: no public keys'),
  },
  {
    command: 'cert verify',
    name: 'conflicting --pubkey and --trust',
    argv: (f) => ['cert', 'verify', f.certificate, '--pubkey', f.hostPub, '--trust', f.dir],
    code: 2,
    parser: true,
    stderr: () => /'--pubkey <pem>' cannot be used with option '--trust <dir>'/,
  },

  // cert show
  {
    command: 'cert show',
    name: 'not JSON',
    argv: (f) => ['cert', 'show', f.certs.notJson],
    code: 2,
    stderr: (f) => seq(f.certs.notJson, ': read certificate: the file is not JSON'),
  },
  {
    command: 'cert show',
    name: 'a 20 MB payload',
    argv: (f) => ['cert', 'show', f.certs.huge],
    code: 2,
    stderr: (f) => seq(f.certs.huge, ': read certificate: the certificate is larger than'),
  },
  {
    command: 'cert show',
    name: 'a signed statement with a negative size',
    argv: (f) => ['cert', 'show', f.certs.negative],
    code: 2,
    stderr: (f) => seq(f.certs.negative, ': read statement: ', 'got -4096'),
  },
  {
    command: 'cert show',
    name: 'a flipped byte, checked with --pubkey',
    argv: (f) => ['cert', 'show', f.certs.flipped, '--pubkey', f.hostPub],
    code: 5,
    stderr: (f) => seq(f.certs.flipped, ': verify signature: the signature does not verify'),
  },

  // cert render (writes nothing on failure: the output path stays absent)
  {
    command: 'cert render',
    name: 'not JSON',
    argv: (f) => ['cert', 'render', f.certs.notJson, '--format', 'html', '-o', join(f.dir, 'render-1.html')],
    code: 2,
    stderr: (f) => seq(f.certs.notJson, ': cert render: not a cleanslate certificate'),
    files: (f) => [join(f.dir, 'render-1.html')],
  },
  {
    command: 'cert render',
    name: 'wrong payloadType',
    argv: (f) => ['cert', 'render', f.certs.notDsse, '-o', join(f.dir, 'render-2.pdf')],
    code: 2,
    stderr: (f) => seq(f.certs.notDsse, ': cert render: not a cleanslate certificate: payloadType'),
    files: (f) => [join(f.dir, 'render-2.pdf')],
  },
  {
    command: 'cert render',
    name: 'payload not base64',
    argv: (f) => ['cert', 'render', f.certs.notBase64, '--format', 'html', '-o', join(f.dir, 'render-3.html')],
    code: 2,
    stderr: (f) => seq(f.certs.notBase64, ': cert render: ', 'not base64'),
    files: (f) => [join(f.dir, 'render-3.html')],
  },
  {
    command: 'cert render',
    name: 'a 20 MB payload',
    argv: (f) => ['cert', 'render', f.certs.huge, '--format', 'html', '-o', join(f.dir, 'render-4.html')],
    code: 2,
    stderr: (f) => seq(f.certs.huge, ': cert render: ', 'larger than 1048576 bytes'),
    files: (f) => [join(f.dir, 'render-4.html')],
  },
  {
    command: 'cert render',
    name: 'a signed payload nested 5 000 deep',
    argv: (f) => ['cert', 'render', f.certs.deepPayload, '--format', 'html', '-o', join(f.dir, 'render-5.html')],
    code: 2,
    stderr: (f) => seq(f.certs.deepPayload, ': cert render: not a cleanslate certificate'),
    files: (f) => [join(f.dir, 'render-5.html')],
  },
  {
    command: 'cert render',
    name: 'an unknown --format',
    argv: (f) => ['cert', 'render', f.certificate, '--format', 'docx', '-o', join(f.dir, 'render-6.docx')],
    code: 2,
    parser: true,
    stderr: () => /'--format <format>' argument 'docx' is invalid/,
    files: (f) => [join(f.dir, 'render-6.docx')],
  },
  {
    command: 'cert render',
    name: 'a missing certificate file',
    argv: (f) => ['cert', 'render', join(f.dir, 'missing.cert.json'), '-o', join(f.dir, 'render-7.pdf')],
    code: 2,
    stderr: (f) => seq(join(f.dir, 'missing.cert.json'), ': cert render: cannot read the certificate file (ENOENT)'),
    files: (f) => [join(f.dir, 'render-7.pdf')],
  },

  // gate
  {
    command: 'gate',
    name: 'a certificate for another device',
    argv: (f) => ['gate', f.image, '--cert', f.certificate, '--pubkey', f.hostPub, '--json'],
    code: 1,
    stderr: () => /^$/,
    json: (d, f) => {
      expect(d).toMatchObject({ open: false, target: { path: f.image } });
      expect(JSON.stringify(d.reasons)).toContain('names device');
    },
  },
  {
    command: 'gate',
    name: 'a certificate with a flipped byte',
    argv: (f) => ['gate', f.certified, '--cert', f.certs.flipped, '--pubkey', f.hostPub, '--json'],
    code: 5,
    stderr: (f) => seq(f.certs.flipped, ': verify signature: the signature does not verify'),
    json: (d, f) =>
      expect(d).toMatchObject({
        open: false,
        target: { path: f.certified },
        error: { code: 'ERR_SIGNATURE_INVALID', exitCode: 5 },
      }),
  },
  {
    command: 'gate',
    name: 'a signed certificate with a float size',
    argv: (f) => ['gate', f.certified, '--cert', f.certs.float, '--pubkey', f.hostPub],
    code: 5,
    stderr: (f) => seq(f.certs.float, ': read statement: ', 'not an integer'),
  },
  {
    command: 'gate',
    name: 'a 20 MB certificate',
    argv: (f) => ['gate', f.certified, '--cert', f.certs.huge, '--pubkey', f.hostPub, '--json'],
    code: 2,
    stderr: (f) => seq(f.certs.huge, ': read certificate: ', 'larger than'),
  },
  {
    command: 'gate',
    name: 'a certificate signed by another key',
    argv: (f) => ['gate', f.certified, '--cert', f.certs.otherKey, '--pubkey', f.hostPub],
    code: 5,
    stderr: (f) => seq(f.certs.otherKey, ': verify signature: signed by an untrusted key'),
  },
  {
    command: 'gate',
    name: 'a nonexistent target',
    argv: (f) => ['gate', join(f.dir, 'nope.img'), '--cert', f.certificate, '--pubkey', f.hostPub, '--json'],
    code: 2,
    stderr: (f) => seq(join(f.dir, 'nope.img'), ': resolve: no such file'),
  },
  {
    command: 'gate',
    name: 'a directory as target',
    argv: (f) => ['gate', f.dir, '--cert', f.certificate, '--pubkey', f.hostPub],
    code: 2,
    stderr: (f) => seq(f.dir, ': resolve: ', 'directory'),
  },
  {
    command: 'gate',
    name: 'neither --cert nor a ledger',
    argv: (f) => ['gate', f.certified, '--pubkey', f.hostPub, '--json'],
    code: 2,
    stderr: (f) => seq(f.certified, ': gate: give --cert FILE'),
  },
  {
    command: 'gate',
    name: '--cert a missing file',
    argv: (f) => ['gate', f.certified, '--cert', join(f.dir, 'missing.cert.json'), '--pubkey', f.hostPub],
    code: 2,
    stderr: (f) => seq(join(f.dir, 'missing.cert.json'), ': read certificate: cannot read'),
  },
  {
    command: 'gate',
    name: '--pubkey not PEM',
    argv: (f) => ['gate', f.certified, '--cert', f.certificate, '--pubkey', f.keys.notPem],
    code: 2,
    stderr: (f) => seq(f.keys.notPem, ': load public key: not a PEM public key'),
  },

  // keys generate
  {
    command: 'keys generate',
    name: '--out is a file',
    argv: (f) => ['keys', 'generate', '--out', f.plainFile, '--json'],
    code: 2,
    stderr: (f) => seq(f.plainFile, ': keys generate: cannot use the directory'),
    files: (f) => [f.plainFile],
    json: (d) => expect(d).toMatchObject({ error: { code: 'ERR_STATE_DIR', exitCode: 2 } }),
  },
  {
    command: 'keys generate',
    name: '--out holds a key already',
    argv: (f) => ['keys', 'generate', '--out', join(f.state, 'keys')],
    code: 2,
    stderr: (f) => seq(join(f.state, 'keys', 'cleanslate-signing.key'), ': keys generate: ', 'already exists'),
    files: (f) => [f.hostKey, f.hostPub],
  },
  {
    command: 'keys generate',
    name: 'CLEANSLATE_HOME is a file',
    argv: () => ['keys', 'generate', '--json'],
    env: (f) => ({ CLEANSLATE_HOME: f.plainFile }),
    code: 2,
    stderr: (f) => seq(join(f.plainFile, 'keys'), ': keys generate: cannot use the directory', 'ENOTDIR'),
    files: (f) => [f.plainFile],
  },
  {
    command: 'keys generate',
    name: 'unknown flag',
    argv: () => ['keys', 'generate', '--algorithm', 'rsa'],
    code: 2,
    parser: true,
    stderr: () => /unknown option '--algorithm'/,
  },

  // audit verify
  {
    command: 'audit verify',
    name: 'an edited line',
    argv: (f) => ['audit', 'verify', '--log', f.logs.edited, '--pubkey', f.hostPub, '--json'],
    code: 5,
    stderr: (f) => seq(f.logs.edited, ': audit verify: tampered: line 2 (seq 2): hash'),
    files: (f) => [f.logs.edited],
    json: (d) =>
      expect(d).toMatchObject({
        ok: false,
        problems: expect.arrayContaining([expect.objectContaining({ line: 2, kind: 'hash' })]),
      }),
  },
  {
    command: 'audit verify',
    name: 'a deleted line',
    argv: (f) => ['audit', 'verify', '--log', f.logs.deleted, '--pubkey', f.hostPub],
    code: 5,
    stdout: /TAMPERED/,
    stderr: (f) => seq(f.logs.deleted, ': audit verify: tampered: line 2 (seq 3): seq'),
  },
  {
    command: 'audit verify',
    name: 'reordered lines',
    argv: (f) => ['audit', 'verify', '--log', f.logs.reordered, '--pubkey', f.hostPub, '--json'],
    code: 5,
    stderr: (f) => seq(f.logs.reordered, ': audit verify: tampered: line 2 (seq 3): seq'),
  },
  {
    command: 'audit verify',
    name: 'a truncated last line',
    argv: (f) => ['audit', 'verify', '--log', f.logs.truncated, '--pubkey', f.hostPub, '--json'],
    code: 5,
    stderr: (f) => seq(f.logs.truncated, ': audit verify: tampered: line ', 'truncated'),
  },
  {
    command: 'audit verify',
    name: 'binary garbage',
    argv: (f) => ['audit', 'verify', '--log', f.logs.garbage, '--pubkey', f.hostPub],
    code: 5,
    stdout: /TAMPERED/,
    stderr: (f) => seq(f.logs.garbage, ': audit verify: tampered: line 1: malformed'),
  },
  {
    command: 'audit verify',
    name: 'an empty file (0 entries: removing the last entries is not visible in the log alone)',
    argv: (f) => ['audit', 'verify', '--log', f.logs.empty, '--pubkey', f.hostPub, '--json'],
    code: 0,
    stderr: () => /^$/,
    json: (d) => expect(d).toMatchObject({ ok: true, entries: 0, lastSeq: 0 }),
  },
  {
    command: 'audit verify',
    name: 'a directory',
    argv: (f) => ['audit', 'verify', '--log', f.logs.directory, '--pubkey', f.hostPub, '--json'],
    code: 2,
    stderr: (f) => seq(f.logs.directory, ': audit read: cannot read the audit log (EISDIR)'),
    files: (f) => [f.logs.directory],
    json: (d) => expect(d).toMatchObject({ ok: false, error: { code: 'ERR_AUDIT_UNREADABLE' } }),
  },
  {
    command: 'audit verify',
    name: 'a missing log',
    argv: (f) => ['audit', 'verify', '--log', join(f.dir, 'missing.log'), '--pubkey', f.hostPub],
    code: 2,
    stderr: (f) => seq(join(f.dir, 'missing.log'), ': audit read: cannot read the audit log (ENOENT)'),
  },
  {
    command: 'audit verify',
    name: 'signed by a key that is not trusted',
    argv: (f) => ['audit', 'verify', '--log', f.logs.intact, '--pubkey', f.keys.otherPub, '--json'],
    code: 5,
    stderr: (f) => seq(f.logs.intact, ': audit verify: tampered: line 1 (seq 1): ', 'untrusted'),
  },
  {
    command: 'audit verify',
    name: '--pubkey an RSA key',
    argv: (f) => ['audit', 'verify', '--log', f.logs.intact, '--pubkey', f.keys.rsaPub],
    code: 2,
    stderr: (f) => seq(f.keys.rsaPub, ': load public key: not an Ed25519 public key'),
  },

  // audit show
  {
    command: 'audit show',
    name: 'a truncated last line',
    argv: (f) => ['audit', 'show', '--log', f.logs.truncated, '--json'],
    code: 5,
    stderr: (f) => seq(f.logs.truncated, ': audit read: line ', 'truncated'),
    json: (d) => expect(d).toMatchObject({ entries: expect.any(Array), error: { code: 'ERR_AUDIT_MALFORMED' } }),
  },
  {
    command: 'audit show',
    name: 'binary garbage',
    argv: (f) => ['audit', 'show', '--log', f.logs.garbage],
    code: 5,
    stderr: (f) => seq(f.logs.garbage, ': audit read: line 1: malformed'),
  },
  {
    command: 'audit show',
    name: 'a directory',
    argv: (f) => ['audit', 'show', '--log', f.logs.directory, '--json'],
    code: 2,
    stderr: (f) => seq(f.logs.directory, ': audit read: cannot read the audit log (EISDIR)'),
  },
  {
    command: 'audit show',
    name: 'CLEANSLATE_HOME is a file',
    argv: () => ['audit', 'show'],
    env: (f) => ({ CLEANSLATE_HOME: f.plainFile }),
    code: 2,
    stderr: (f) => seq(join(f.plainFile, 'audit.log'), ': audit read: cannot read the audit log (ENOTDIR)'),
  },
];

let dir: tmp.DirResult;
let f: BadInputFixtures;

beforeAll(async () => {
  dir = tmp.dirSync({ unsafeCleanup: true, prefix: 'cleanslate-bad-input-' });
  f = await buildBadInputFixtures(dir.name);
});
afterAll(() => dir.removeCallback());

// Runs a row and checks exit code, stderr, stdout and that every involved path is unchanged.
async function checkRow(row: Row, fixtures: BadInputFixtures, options: { uid?: number; gid?: number } = {}) {
  const argv = row.argv(fixtures);
  const watched = [
    ...new Set([
      fixtures.image,
      fixtures.certified,
      fixtures.certificate,
      fixtures.certDir,
      join(fixtures.state, 'certs'),
      ...argv.filter((a) => a.startsWith(fixtures.dir)).map((a) => a.replace(/^random:/, '')),
      ...(row.files?.(fixtures) ?? []),
    ]),
  ];
  const before = await fingerprints(watched);
  const r = await runCli(argv, {
    stateDir: fixtures.state,
    cwd: fixtures.dir,
    ...(row.env ? { env: row.env(fixtures) } : {}),
    ...options,
  });
  const stderr = r.stderr.replace(/^cleanslate: created the host signing key.*\n/m, '');
  expect(r.exitCode, `${argv.join(' ')}\n${r.stderr}`).toBe(row.code);
  expect(stderr).toMatch(row.stderr(fixtures));
  expect(stderr, 'no stack trace').not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(stderr).not.toMatch(/ERR_INTERNAL|TypeError|RangeError/);
  if (argv.includes('--json')) {
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    if (row.parser) expect(doc).toMatchObject({ error: { code: 'ERR_USAGE', exitCode: 2, step: 'options' } });
    const error = doc.error as { code?: unknown; exitCode?: unknown; message?: unknown } | undefined;
    if (error) expect(error).toMatchObject({ code: expect.stringMatching(/^ERR_/), exitCode: row.code });
    if (row.code !== 0 && row.code !== 1 && !error) expect(doc).toMatchObject({ ok: false });
    row.json?.(doc, fixtures);
  } else if (row.stdout) {
    expect(r.stdout).toMatch(row.stdout);
  } else {
    expect(r.stdout).toBe('');
  }
  expect(await fingerprints(watched)).toEqual(before);
}

describe('bad input: every command, through the built CLI; nothing written', () => {
  test('the matrix covers every command with at least 40 rows', () => {
    const counts = new Map<Command, number>();
    for (const row of ROWS) counts.set(row.command, (counts.get(row.command) ?? 0) + 1);
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
    const commands: Command[] = [
      'devices',
      'methods',
      'wipe',
      'scan',
      'cert verify',
      'cert show',
      'cert render',
      'gate',
      'keys generate',
      'audit verify',
      'audit show',
    ];
    for (const command of commands) expect(counts.get(command) ?? 0, command).toBeGreaterThan(0);
  });

  test.concurrent.for(ROWS.map((row) => [`${row.command}: ${row.name} → ${row.code}`, row] as const))(
    '%s',
    async ([, row]) => {
      await checkRow(row, f);
    },
  );
});

// As an unprivileged user (root runs the tests, so modes alone cannot deny root anything).
const NOBODY = 65534;
describe.runIf(isRoot)('bad input as an unprivileged user: permissions', () => {
  let own: { dir: string; image: string; seed: string; state: string };
  beforeAll(() => {
    // a world-readable folder of nobody's, inside the root-only fixture folder
    const base = join(f.dir, 'nobody');
    mkdirSync(base, { mode: 0o755 });
    chmodSync(f.dir, 0o755);
    const image = join(base, 'nobody.img');
    copyFileSync(f.image, image);
    chownSync(image, NOBODY, NOBODY);
    const seed = join(base, 'root-only.seed');
    writeFileSync(seed, Buffer.alloc(32, 7), { mode: 0o600 });
    const state = join(base, 'root-state');
    mkdirSync(state, { mode: 0o755 });
    own = { dir: base, image, seed, state };
  });
  afterAll(() => chmodSync(f.dir, 0o700));

  const rows: Row[] = [
    {
      command: 'scan',
      name: '--expect random: a seed file only root may read (0600)',
      argv: () => ['scan', own.image, '--expect', `random:${own.seed}`, '--json'],
      code: 2,
      stderr: () => seq(own.seed, ': expect: cannot read the seed file', 'EACCES'),
      files: () => [own.image, own.seed],
    },
    {
      command: 'wipe',
      name: 'a state directory that is not writable',
      argv: () => ['wipe', own.image, '--method', 'zero', '--yes', '--json'],
      env: () => ({ CLEANSLATE_HOME: own.state }),
      code: 2,
      stderr: () => seq(own.state, ': load host key: cannot use the directory', 'EACCES'),
      files: () => [own.image, own.state],
      json: (d) => expect(d).toMatchObject({ error: { code: 'ERR_STATE_DIR' } }),
    },
    {
      command: 'keys generate',
      name: '--out a directory that is not writable',
      argv: () => ['keys', 'generate', '--out', own.state],
      code: 2,
      stderr: () => seq(own.state, ': keys generate: cannot use the directory', 'EACCES'),
      files: () => [own.state],
    },
  ];
  test.for(rows.map((row) => [`${row.command}: ${row.name} → ${row.code}`, row] as const))('%s', async ([, row]) => {
    await checkRow(row, f, { uid: NOBODY, gid: NOBODY });
  });
});

describeLoop('bad input on loop devices', () => {
  test('wipe (and --dry-run) of an image that backs an attached loop device → 3, nothing written', async () => {
    await withLoopDevice(8, async (loop) => {
      writeFileSync(loop.image, Buffer.alloc(8 * 1024 * 1024, 0x5a));
      for (const extra of [['--yes', '--json'], ['--dry-run']]) {
        const row: Row = {
          command: 'wipe',
          name: 'loop backing file',
          argv: () => ['wipe', loop.image, '--method', 'zero', ...extra],
          code: 3,
          stderr: () => seq(loop.image, ': guard:not-loop-backing: ', `backs the attached loop device ${loop.device}`),
          files: () => [loop.image, loop.device],
          json: (d) => expect(d).toMatchObject({ error: { code: 'ERR_GUARD_LOOP_BACKING', exitCode: 3 } }),
        };
        await checkRow(row, f);
      }
    });
  });

  test('gate of a loop device with the certificate of an image → 1 (another device), device unchanged', async () => {
    await withLoopDevice(4, async (loop) => {
      const row: Row = {
        command: 'gate',
        name: 'another device',
        argv: (x) => ['gate', loop.device, '--cert', x.certificate, '--pubkey', x.hostPub, '--json'],
        code: 1,
        stderr: () => /^$/,
        files: () => [loop.image, loop.device],
        json: (d) => expect(d).toMatchObject({ open: false, target: { path: loop.device, kind: 'block' } }),
      };
      await checkRow(row, f);
    });
  });
});
