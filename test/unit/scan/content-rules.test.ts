// Content rules: real keys from openssl and ssh-keygen, a JWT signed with node:crypto, AWS's
// documented example key id, e-mail addresses and the card networks' published test numbers.
// Findings must locate the match and never carry it.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { classifyRegion } from '../../../src/scan/classify.js';
import type { Finding } from '../../../src/scan/kinds.js';
import { classifyBuffer, hasTool, makeTempDir, run } from './helpers.js';

const dir = makeTempDir();
afterAll(() => dir.remove());

// `text` at byte 1000 of a 16 KiB zero buffer; returns the findings.
function scanText(text: string | Buffer, at = 1000): Finding[] {
  const buf = Buffer.alloc(16 * 1024);
  (typeof text === 'string' ? Buffer.from(text, 'latin1') : text).copy(buf, at);
  return classifyBuffer(buf);
}

const secretsIn = (findings: Finding[]) => findings.map((f) => [f.offset, f.kind, f.category, f.detail]);

describe('private keys (real tools)', () => {
  test.skipIf(!hasTool('openssl'))('PKCS#8, legacy RSA and EC keys from openssl', async () => {
    await run('openssl', [
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:1024',
      '-out',
      dir.file('rsa.pem'),
    ]);
    await run('openssl', [
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      dir.file('ec8.pem'),
    ]);
    await run('openssl', ['ec', '-in', dir.file('ec8.pem'), '-out', dir.file('ec.pem')]);
    await run('openssl', ['rsa', '-traditional', '-in', dir.file('rsa.pem'), '-out', dir.file('rsa1.pem')]);
    const pkcs8 = readFileSync(dir.file('rsa.pem'));
    expect(secretsIn(scanText(pkcs8))).toEqual([[1000, 'pem-private-key', 'secret', 'PKCS#8 private key (PEM)']]);
    expect(scanText(pkcs8)[0]!.length).toBe(pkcs8.toString().trimEnd().length);
    expect(scanText(readFileSync(dir.file('ec.pem')))[0]!.detail).toBe('EC private key (PEM, SEC 1)');
    expect(scanText(readFileSync(dir.file('rsa1.pem')))[0]!.detail).toBe('RSA private key (PEM, PKCS#1)');
  });

  test.skipIf(!hasTool('ssh-keygen'))('OpenSSH ed25519 key from ssh-keygen', async () => {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ops@example.com', '-f', dir.file('id')]);
    const key = readFileSync(dir.file('id'));
    expect(secretsIn(scanText(key))).toEqual([[1000, 'openssh-private-key', 'secret', 'OpenSSH private key']]);
    // A public key is not a secret (the comment is an e-mail address, though).
    expect(scanText(readFileSync(dir.file('id.pub'))).map((f) => f.kind)).toEqual(['email']);
  });

  test('a BEGIN line without a base64 body, or a public key, is not a finding', () => {
    expect(scanText('-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n')).toEqual([]);
    expect(
      scanText('-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n'),
    ).toEqual([]);
    expect(scanText('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAB3NzaC1yc2EAAAADAQABAAABAQ\n')).toEqual([]);
  });
});

describe('tokens', () => {
  test('AWS access key id (the documented example) with word boundaries', () => {
    expect(secretsIn(scanText('aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n'))).toEqual([
      [1000 + 20, 'aws-access-key-id', 'secret', 'AWS long-term access key id'],
    ]);
    expect(scanText('xAKIAIOSFODNN7EXAMPLE')).toEqual([]);
    expect(scanText('AKIAIOSFODNN7EXAMPLE1')).toEqual([]);
    expect(scanText('AKIAIOSFODNN7EXAMPL0')).toEqual([]); // 0 is not in the base32 alphabet
  });

  test('JWT signed with HMAC-SHA256', () => {
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signingInput = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: '1234567890', name: 'Jane Roe', iat: 1516239022 })}`;
    const token = `${signingInput}.${createHmac('sha256', 'secret').update(signingInput).digest('base64url')}`;
    const findings = scanText(`Authorization: Bearer ${token}\r\n`);
    expect(secretsIn(findings)).toEqual([[1000 + 22, 'jwt', 'secret', 'JSON Web Token (alg HS256)']]);
    expect(findings[0]!.length).toBe(token.length);
    expect(scanText(`eyJub3QiOiJhIGp3dCJ9.eyJ4IjoxfQ.${'A'.repeat(43)}`)).toEqual([]); // header without "alg"
  });
});

describe('e-mail addresses', () => {
  test.for([
    ['jane.doe@example.com', 'email address (domain .com)'],
    ['first.last+tag@mail.example.co.uk', 'email address (domain .uk)'],
    ["o'brien@sub-domain.example.org", 'email address (domain .org)'],
  ])('%s', ([address, detail]) => {
    const findings = scanText(`To: <${address}>\n`);
    expect(findings).toEqual([
      { offset: 1005, length: address!.length, category: 'pii', kind: 'email', confidence: 'probable', detail },
    ]);
  });

  test.for([
    'user@localhost',
    'user@example.c0m',
    'user@-example.com',
    'user@example-.com',
    '.user@example',
    'user..name@example.com',
    '@example.com',
    'user@.com',
    'user@example.c',
  ])('not an address: %s', (text) => {
    expect(scanText(` ${text} `)).toEqual([]);
  });
});

describe('card numbers', () => {
  test.for([
    ['4111 1111 1111 1111', 'Visa card number (16 digits)'],
    ['5555555555554444', 'Mastercard card number (16 digits)'],
    ['378282246310005', 'American Express card number (15 digits)'],
    ['3782-822463-10005', 'American Express card number (15 digits)'],
    ['6011111111111117', 'Discover card number (16 digits)'],
    ['3530111333300000', 'JCB card number (16 digits)'],
    ['2221000000000009', 'Mastercard card number (16 digits)'],
  ])('%s', ([number, detail]) => {
    const findings = scanText(`card: ${number}.\n`, 1001);
    expect(findings).toEqual([
      { offset: 1007, length: number!.length, category: 'pii', kind: 'credit-card', confidence: 'confirmed', detail },
    ]);
  });

  test.for([
    ['Luhn fails', '4111 1111 1111 1112'],
    ['all one digit', '0000000000000000'],
    ['sequential', '1234567890123452'],
    ['inside a longer digit run', '94111111111111111'],
    ['inside an alphanumeric run', 'x4111111111111111'],
    ['tail of a longer grouping', '1234 4111 1111 1111 1111'],
    ['mixed separators', '4111 1111-1111 1111'],
    ['no known IIN', '9111111111111115'],
  ])('not a card number: %s', ([, text]) => {
    expect(scanText(` ${text} `)).toEqual([]);
  });

  test('random digits: Luhn-failing numbers are never reported', () => {
    const lines: string[] = [];
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    while (lines.length < 200) {
      const digits = Array.from({ length: 16 }, () => next() % 10);
      digits[0] = 4;
      let sum = 0;
      for (let k = 0; k < 16; k++) {
        let d = digits[15 - k]!;
        if (k % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
      }
      if (sum % 10 !== 0) lines.push(digits.join(''));
    }
    expect(scanText(lines.join('\n'))).toEqual([]);
  });
});

describe('regions and ownership', () => {
  test('a match may run into the lookahead but never starts there', () => {
    const buf = Buffer.alloc(8192);
    buf.write('key AKIAIOSFODNN7EXAMPLE and jane@example.com', 4093, 'latin1');
    const window = { buf, base: 1 << 20, targetSize: 1 << 30 };
    expect(classifyRegion(window, 0, 4096).map((f) => [f.offset, f.kind])).toEqual([]);
    expect(classifyRegion(window, 0, 4096 + 2).map((f) => [f.offset - window.base, f.kind])).toEqual([
      [4097, 'aws-access-key-id'],
    ]);
    expect(classifyRegion(window, 4096, 8192).map((f) => [f.offset - window.base, f.kind])).toEqual([
      [4097, 'aws-access-key-id'],
      [4122, 'email'],
    ]);
    // An e-mail belongs to the region that holds its '@', even when its local part starts earlier.
    expect(classifyRegion(window, 4096, 4126).map((f) => f.kind)).toEqual(['aws-access-key-id']);
    expect(classifyRegion(window, 4126, 8192).map((f) => [f.offset - window.base, f.kind])).toEqual([[4122, 'email']]);
    expect(classifyRegion(window, 0, 8192, { contentRules: false })).toEqual([]);
  });

  test('details never contain the matched text', () => {
    const text = 'jane.doe@example.com 4111111111111111 AKIAIOSFODNN7EXAMPLE';
    const findings = scanText(text);
    expect(findings).toHaveLength(3);
    for (const f of findings) {
      for (const secret of ['jane', 'doe', 'example', '4111', '1111', 'IOSFODNN'])
        expect(f.detail).not.toContain(secret);
    }
  });
});
