// Content rules of DESIGN §5: secrets and personal data found anywhere in a non-blank block, by a
// cheap trigger (a literal or a byte with its neighbours, or a strided digit scan) and a strict
// matcher. The triggers run in the native addon when it is there (native/scan-blocks.cc, the same
// positions), else as Buffer.indexOf loops here; the matchers always run here.
// A match reports where it is and what it is, never what it says: `detail` holds format facts
// only (the key type, the e-mail's top-level domain, the card scheme and digit count), nothing
// from which the secret, address or number could be recovered.
import { Buffer } from 'node:buffer';
import type { FindingKind } from './kinds.js';
import { nativeScan } from './native-scan.js';

/** A match found by a content rule; offsets are indexes into the buffer being scanned. */
export interface ContentMatch {
  kind: FindingKind;
  start: number;
  end: number;
  detail: string;
  confidence: 'confirmed' | 'probable';
}

/**
 * One content rule. `scan` MUST report only matches whose trigger lies in [from, to); a match may
 * extend past `to` up to the end of `buf` (the lookahead), and its start may lie before `from`
 * when the trigger is in the middle (the '@' of an e-mail). Every rule MUST be linear in the bytes
 * it is given.
 */
export interface ContentRule {
  readonly id: string;
  readonly kind: FindingKind;
  readonly source: string;
  /** What the cheap trigger is (documentation). */
  readonly trigger: string;
  readonly scan: (buf: Buffer, from: number, to: number, out: ContentMatch[]) => void;
}

// ---------------------------------------------------------------- character classes

const BASE64 = new Uint8Array(256);
const BASE64URL = new Uint8Array(256);
const ATEXT = new Uint8Array(256); // RFC 5322 atext
const LABEL = new Uint8Array(256); // letters, digits, hyphen
const ALNUM = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const ch = String.fromCharCode(b);
  const alnum = /[A-Za-z0-9]/.test(ch);
  ALNUM[b] = alnum ? 1 : 0;
  BASE64[b] = alnum || ch === '+' || ch === '/' ? 1 : 0;
  BASE64URL[b] = alnum || ch === '-' || ch === '_' ? 1 : 0;
  ATEXT[b] = alnum || "!#$%&'*+/=?^_`{|}~-".includes(ch) ? 1 : 0;
  LABEL[b] = alnum || ch === '-' ? 1 : 0;
}

// Whether buf holds `bytes` at `at` (false when they would run past its end).
const hasAt = (buf: Buffer, at: number, bytes: Buffer) =>
  at + bytes.length <= buf.length && buf.compare(bytes, 0, bytes.length, at, at + bytes.length) === 0;

const isAlpha = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isUpperBase32 = (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x32 && b <= 0x37);

// ---------------------------------------------------------------- triggers

/** Where a rule's matcher starts work: a position, found cheaply, that passes a quick test. */
interface Trigger {
  /** Its number in native/scan-blocks.cc (enum Trigger). */
  readonly id: number;
  /**
   * The JS loop: the first position in [at, to) where the trigger fires, or -1. `hay` is buf cut
   * HAY_SLACK bytes past `to`, for indexOf searches that must not run on to the end of buf.
   */
  readonly next: (buf: Buffer, hay: Buffer, at: number, to: number) => number;
}

const HAY_SLACK = 16; // longer than any literal trigger
const BATCH = new Int32Array(4096);

// Calls visit(i) for each position i in [from, to) where `trigger` fires, in increasing order;
// visit returns where to go on (> i), and positions below that are skipped.
function forEachTrigger(buf: Buffer, from: number, to: number, trigger: Trigger, visit: (i: number) => number): void {
  const stop = Math.min(to, buf.length);
  let at = Math.max(0, from);
  const native = nativeScan();
  if (native) {
    while (at < stop) {
      const n = native.contentTriggers(buf, at, stop, trigger.id, BATCH);
      for (let k = 0; k < n; k++) {
        const i = BATCH[k]!;
        if (i >= at) at = visit(i);
      }
      if (n < BATCH.length) return;
    }
    return;
  }
  const hay = buf.subarray(0, Math.min(buf.length, stop + HAY_SLACK));
  for (let i = trigger.next(buf, hay, at, stop); i >= 0; i = trigger.next(buf, hay, visit(i), stop));
}

// The first i in [at, to) with `literal` at hay[i] and accept(i), or -1.
function nextLiteral(hay: Buffer, literal: Buffer, at: number, to: number, accept: (i: number) => boolean): number {
  let i = hay.indexOf(literal, at);
  while (i >= 0 && i < to) {
    if (accept(i)) return i;
    i = hay.indexOf(literal, i + 1);
  }
  return -1;
}

// ---------------------------------------------------------------- PEM and OpenSSH private keys

const PEM_ENTRIES: readonly { label: string; detail: string; kind: FindingKind }[] = [
  { label: 'PRIVATE KEY', detail: 'PKCS#8 private key (PEM)', kind: 'pem-private-key' },
  { label: 'RSA PRIVATE KEY', detail: 'RSA private key (PEM, PKCS#1)', kind: 'pem-private-key' },
  { label: 'EC PRIVATE KEY', detail: 'EC private key (PEM, SEC 1)', kind: 'pem-private-key' },
  { label: 'DSA PRIVATE KEY', detail: 'DSA private key (PEM)', kind: 'pem-private-key' },
  { label: 'ENCRYPTED PRIVATE KEY', detail: 'encrypted PKCS#8 private key (PEM)', kind: 'pem-private-key' },
  { label: 'OPENSSH PRIVATE KEY', detail: 'OpenSSH private key', kind: 'openssh-private-key' },
];
const PEM_LABELS = PEM_ENTRIES.map((entry) => ({
  ...entry,
  labelBytes: Buffer.from(entry.label, 'latin1'),
  footer: Buffer.from(`-----END ${entry.label}-----`, 'latin1'),
}));
const BEGIN = Buffer.from('-----BEGIN ');
const DASHES = Buffer.from('-----');
const OPENSSH_BODY = Buffer.from('b3BlbnNzaC1rZXktdjEA'); // base64("openssh-key-v1\0")

// After the BEGIN line: optional RFC 1421 headers (Proc-Type/DEK-Info), then ≥ 1 line of base64
// of at least 16 characters. Returns the index just after the base64 body, or -1.
function skipPemBody(buf: Buffer, at: number, requiredPrefix: Buffer | null): [bodyStart: number, bodyEnd: number] {
  let p = at;
  const eol = () => {
    if (buf[p] === 0x0d) p++;
    if (buf[p] !== 0x0a) return false;
    p++;
    return true;
  };
  if (!eol()) return [-1, -1];
  // Encapsulated headers of legacy encrypted PEM.
  for (let guard = 0; guard < 4 && (buf[p] === 0x50 || buf[p] === 0x44); guard++) {
    const nl = buf.indexOf(0x0a, p);
    if (nl < 0 || nl - p > 200) return [-1, -1];
    p = nl + 1;
    if (buf[p] === 0x0d || buf[p] === 0x0a) eol();
  }
  const bodyStart = p;
  if (requiredPrefix && !hasAt(buf, p, requiredPrefix)) return [-1, -1];
  let lines = 0;
  while (p < buf.length) {
    const lineStart = p;
    while (p < buf.length && (BASE64[buf[p]!] || buf[p] === 0x3d)) p++;
    const length = p - lineStart;
    if (length === 0) break;
    if (lines === 0 && length < 16) return [-1, -1];
    lines++;
    if (!eol()) break;
  }
  return lines > 0 ? [bodyStart, p] : [-1, -1];
}

const PEM_TRIGGER: Trigger = {
  id: 0,
  next: (_buf, hay, at, to) => nextLiteral(hay, BEGIN, at, to, () => true),
};

// The private key whose "-----BEGIN " is at i, if any, into out.
function matchPemAt(buf: Buffer, i: number, out: ContentMatch[]): void {
  const labelAt = i + BEGIN.length;
  for (const entry of PEM_LABELS) {
    const end = labelAt + entry.label.length;
    if (!hasAt(buf, labelAt, entry.labelBytes) || !hasAt(buf, end, DASHES)) continue;
    const openssh = entry.kind === 'openssh-private-key';
    const [, bodyEnd] = skipPemBody(buf, end + 5, openssh ? OPENSSH_BODY : null);
    if (bodyEnd < 0) continue;
    const { footer } = entry;
    let stop = bodyEnd;
    const complete = hasAt(buf, bodyEnd, footer);
    if (complete) stop += footer.length;
    out.push({
      kind: entry.kind,
      start: i,
      end: stop,
      detail: complete ? entry.detail : `${entry.detail}, truncated`,
      confidence: 'confirmed',
    });
    return;
  }
}

function scanPem(buf: Buffer, from: number, to: number, out: ContentMatch[]): void {
  forEachTrigger(buf, from, to, PEM_TRIGGER, (i) => {
    matchPemAt(buf, i, out);
    return i + 1;
  });
}

// ---------------------------------------------------------------- AWS access key ids

const AWS_MEANING: Record<string, string> = {
  AKIA: 'long-term access key id',
  ASIA: 'temporary (STS) access key id',
  AGPA: 'IAM group id',
  AIDA: 'IAM user id',
  AROA: 'IAM role id',
  ANPA: 'managed policy id',
  ANVA: 'managed policy version id',
  AIPA: 'instance profile id',
};

const AWS_SECOND = new Uint8Array(256);
for (const prefix of Object.keys(AWS_MEANING)) AWS_SECOND[prefix.charCodeAt(1)] = 1;

// 'A' (the first letter of every prefix) with a possible second and fourth letter; one pass for
// all prefixes.
const AWS_TRIGGER: Trigger = {
  id: 1,
  next: (buf, hay, at, to) => nextLiteral(hay, A, at, to, (i) => AWS_SECOND[buf[i + 1]!] === 1 && buf[i + 3] === 0x41),
};
const A = Buffer.from('A');

// Then the prefix, 16 characters of the base32 alphabet and word boundaries.
function scanAws(buf: Buffer, from: number, to: number, out: ContentMatch[]): void {
  forEachTrigger(buf, from, to, AWS_TRIGGER, (i) => {
    const meaning = AWS_MEANING[buf.toString('latin1', i, i + 4)];
    const end = i + 20;
    let ok =
      meaning !== undefined &&
      end <= buf.length &&
      (i === 0 || !ALNUM[buf[i - 1]!]) &&
      (end === buf.length || !ALNUM[buf[end]!]);
    for (let k = i + 4; ok && k < end; k++) ok = isUpperBase32(buf[k]!);
    if (ok) out.push({ kind: 'aws-access-key-id', start: i, end, detail: `AWS ${meaning}`, confidence: 'confirmed' });
    return i + 1;
  });
}

// ---------------------------------------------------------------- JWT

const EYJ = Buffer.from('eyJ');

function decodeJsonObject(buf: Buffer, start: number, end: number): Record<string, unknown> | null {
  if (end - start > 8192) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(buf.toString('latin1', start, end), 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function runOf(buf: Buffer, at: number, table: Uint8Array, max: number): number {
  let p = at;
  while (p < buf.length && p - at < max && table[buf[p]!]) p++;
  return p;
}

// "eyJ" (base64url of '{"') where a base64url run starts.
const JWT_TRIGGER: Trigger = {
  id: 2,
  next: (buf, hay, at, to) => nextLiteral(hay, EYJ, at, to, (i) => !(i > 0 && BASE64URL[buf[i - 1]!])),
};

// JWS compact serialisation (RFC 7515 §7.1): header.payload.signature, header JSON with "alg".
function scanJwt(buf: Buffer, from: number, to: number, out: ContentMatch[]): void {
  forEachTrigger(buf, from, to, JWT_TRIGGER, (i) => {
    const end = matchJwtAt(buf, i, out);
    return end > i ? end : i + 1;
  });
}

// The token whose header starts at i, if any, into out; returns its end, or -1.
function matchJwtAt(buf: Buffer, i: number, out: ContentMatch[]): number {
  const headerEnd = runOf(buf, i, BASE64URL, 8192);
  if (buf[headerEnd] !== 0x2e || buf[headerEnd + 1] !== 0x65 || buf[headerEnd + 2] !== 0x79) return -1;
  const payloadEnd = runOf(buf, headerEnd + 1, BASE64URL, 65536);
  if (buf[payloadEnd] !== 0x2e) return -1;
  const signatureEnd = runOf(buf, payloadEnd + 1, BASE64URL, 8192);
  const header = decodeJsonObject(buf, i, headerEnd);
  const alg = header?.alg;
  const signed = signatureEnd - payloadEnd - 1 >= 16;
  if (typeof alg !== 'string' || !(signed || alg === 'none') || !decodeJsonObject(buf, headerEnd + 1, payloadEnd)) {
    return -1;
  }
  const algName = /^[A-Za-z0-9+-]{1,16}$/.test(alg) ? alg : 'unrecognised';
  out.push({
    kind: 'jwt',
    start: i,
    end: signatureEnd,
    detail: `JSON Web Token (alg ${algName})`,
    confidence: 'confirmed',
  });
  return signatureEnd;
}

// ---------------------------------------------------------------- e-mail addresses

// RFC 5322 dot-atom local part (1..64, no leading/trailing/double dots) @ a domain of 2..127
// labels (1..63 letters/digits/hyphens, no hyphen at either end), ≤ 253 characters, with an
// alphabetic top-level domain of 2..24 letters. The bytes around the address must be text-like
// (printable ASCII, whitespace, NUL or the buffer edge): an address inside binary noise is not one.
function isTextBoundary(b: number | undefined): boolean {
  return b === undefined || b === 0 || b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f);
}

function matchEmailAt(buf: Buffer, at: number): { start: number; end: number; tld: string } | null {
  // Local part, leftwards from the '@'.
  let s = at;
  while (s > 0 && at - s < 64 && (ATEXT[buf[s - 1]!] || buf[s - 1] === 0x2e)) s--;
  if (s > 0 && ATEXT[buf[s - 1]!]) return null; // longer than 64
  while (s < at && buf[s] === 0x2e) s++; // an address cannot start with a dot
  if (s === at || buf[at - 1] === 0x2e) return null;
  for (let k = s; k < at - 1; k++) if (buf[k] === 0x2e && buf[k + 1] === 0x2e) return null;
  // Domain, rightwards.
  let p = at + 1;
  let labels = 0;
  let lastLabelStart = p;
  let end = -1;
  while (p < buf.length && p - at <= 253) {
    const labelStart = p;
    while (p < buf.length && p - labelStart < 64 && LABEL[buf[p]!]) p++;
    const length = p - labelStart;
    if (length === 0 || length > 63 || buf[labelStart] === 0x2d || buf[p - 1] === 0x2d) break;
    labels++;
    lastLabelStart = labelStart;
    end = p;
    if (buf[p] === 0x2e && p + 1 < buf.length && LABEL[buf[p + 1]!]) p++;
    else break;
  }
  if (labels < 2 || end - at - 1 > 253) return null;
  if (end < buf.length && (LABEL[buf[end]!] || buf[end] === 0x40)) return null;
  const tldLength = end - lastLabelStart;
  if (tldLength < 2 || tldLength > 24) return null;
  for (let k = lastLabelStart; k < end; k++) if (!isAlpha(buf[k]!)) return null;
  if (!isTextBoundary(s > 0 ? buf[s - 1] : undefined) || !isTextBoundary(end < buf.length ? buf[end] : undefined)) {
    return null;
  }
  return { start: s, end, tld: buf.toString('latin1', lastLabelStart, end).toLowerCase() };
}

// '@' with an atext character (or dot) before it and a letter or digit after it.
const EMAIL_TRIGGER: Trigger = {
  id: 3,
  next: (buf, hay, at, to) =>
    nextLiteral(hay, AT, at, to, (i) => ATEXT[i > 0 ? buf[i - 1]! : 0] === 1 && ALNUM[buf[i + 1] ?? 0] === 1),
};
const AT = Buffer.from('@');

function scanEmail(buf: Buffer, from: number, to: number, out: ContentMatch[]): void {
  forEachTrigger(buf, from, to, EMAIL_TRIGGER, (i) => {
    const match = matchEmailAt(buf, i);
    if (match) {
      out.push({
        kind: 'email',
        start: match.start,
        end: match.end,
        detail: `email address (domain .${match.tld})`,
        confidence: 'probable',
      });
    }
    return i + 1;
  });
}

// ---------------------------------------------------------------- payment card numbers

/** Card schemes by IIN prefix range and allowed lengths (ISO/IEC 7812; scheme rule books). */
const CARD_SCHEMES: readonly {
  name: string;
  ranges: readonly [number, number, number][];
  lengths: readonly number[];
}[] = [
  { name: 'Visa', ranges: [[1, 4, 4]], lengths: [13, 16, 19] },
  {
    name: 'Mastercard',
    ranges: [
      [2, 51, 55],
      [4, 2221, 2720],
    ],
    lengths: [16],
  },
  {
    name: 'American Express',
    ranges: [
      [2, 34, 34],
      [2, 37, 37],
    ],
    lengths: [15],
  },
  {
    name: 'Discover',
    ranges: [
      [4, 6011, 6011],
      [2, 65, 65],
      [3, 644, 649],
    ],
    lengths: [16, 17, 18, 19],
  },
  { name: 'JCB', ranges: [[4, 3528, 3589]], lengths: [16, 17, 18, 19] },
  {
    name: 'Diners Club',
    ranges: [
      [2, 36, 36],
      [2, 38, 38],
      [3, 300, 305],
    ],
    lengths: [14, 15, 16, 17, 18, 19],
  },
  { name: 'UnionPay', ranges: [[2, 62, 62]], lengths: [16, 17, 18, 19] },
];

/** Accepted groupings of a separated card number (group lengths). */
const CARD_GROUPINGS: readonly (readonly number[])[] = [
  [4, 4, 4, 4],
  [4, 6, 5],
  [4, 6, 4],
  [4, 4, 4, 4, 3],
  [4, 4, 4, 1],
  [4, 4, 4, 3],
];

const DIGITS = new Uint8Array(19);

function cardSchemeOf(digits: Uint8Array, length: number): string | null {
  let prefix = 0;
  for (let k = 0; k < 4; k++) {
    prefix = prefix * 10 + digits[k]!;
    const width = k + 1;
    for (const scheme of CARD_SCHEMES) {
      if (!scheme.lengths.includes(length)) continue;
      const first4 = prefix;
      for (const [w, lo, hi] of scheme.ranges) if (w === width && first4 >= lo && first4 <= hi) return scheme.name;
    }
  }
  return null;
}

function isLuhnValid(digits: Uint8Array, length: number): boolean {
  let sum = 0;
  for (let k = 0; k < length; k++) {
    let d = digits[length - 1 - k]!;
    if (k % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// All the same digit, or a run of ascending/descending digits (1234567890123456...).
function isDegenerate(digits: Uint8Array, length: number): boolean {
  let same = true;
  let up = true;
  let down = true;
  for (let k = 1; k < length; k++) {
    const d = digits[k]!;
    const prev = digits[k - 1]!;
    if (d !== prev) same = false;
    if (d !== (prev + 1) % 10) up = false;
    if (d !== (prev + 9) % 10) down = false;
  }
  return same || up || down;
}

// Parse a candidate that starts at `s`: plain 13..19 digits, or one of CARD_GROUPINGS with a single
// consistent separator (space or hyphen). Returns [end, scheme] or null.
function parseCard(buf: Buffer, s: number): [end: number, scheme: string, digits: number] | null {
  let p = s;
  while (p < buf.length && isDigit(buf[p]!) && p - s <= 19) p++;
  const first = p - s;
  if (first >= 13 && first <= 19) {
    if (p < buf.length && ALNUM[buf[p]!]) return null;
    for (let k = 0; k < first; k++) DIGITS[k] = buf[s + k]! - 0x30;
    const scheme = checkCard(first);
    return scheme === null ? null : [p, scheme, first];
  }
  if (first !== 4) return null;
  const sep = buf[p];
  if (sep !== 0x20 && sep !== 0x2d) return null;
  for (const grouping of CARD_GROUPINGS) {
    let q = s;
    let n = 0;
    let ok = true;
    for (let g = 0; g < grouping.length && ok; g++) {
      if (g > 0) {
        if (buf[q] !== sep) ok = false;
        q++;
      }
      for (let k = 0; k < grouping[g]! && ok; k++, q++) {
        const b = buf[q];
        if (b === undefined || !isDigit(b)) ok = false;
        else DIGITS[n++] = b - 0x30;
      }
    }
    if (!ok) continue;
    // The number must end here: no further digit or letter, and no separator followed by a digit.
    if (q < buf.length && ALNUM[buf[q]!]) continue;
    if (q + 1 < buf.length && buf[q] === sep && isDigit(buf[q + 1]!)) continue;
    const scheme = checkCard(n);
    if (scheme !== null) return [q, scheme, n];
  }
  return null;
}

// The scheme of DIGITS[0, length) when it is a plausible card number, else null.
function checkCard(length: number): string | null {
  if (length < 13 || length > 19 || isDegenerate(DIGITS, length) || !isLuhnValid(DIGITS, length)) return null;
  return cardSchemeOf(DIGITS, length);
}

// A number may start at `s` only if it is not the tail of a longer alphanumeric run or of a
// longer grouped number ("1234 4111 1111 1111 1111" holds no card number).
function isCardStart(buf: Buffer, s: number): boolean {
  if (s === 0) return true;
  const prev = buf[s - 1]!;
  if (ALNUM[prev]) return false;
  return !((prev === 0x20 || prev === 0x2d || prev === 0x2e) && s >= 2 && isDigit(buf[s - 2]!));
}

// Strided scan: every number of ≥ 4 consecutive digits covers an index ≡ 0 (mod 4), so only those
// bytes are tested; at a hit, the scan backs up to the start of the digit run and parses from there,
// then goes on at the first such index after the run (or the number). The native trigger also
// passes over runs that cannot start a card number here (MayBeCard in native/scan-blocks.cc).
const roundUp4 = (n: number) => n + ((4 - (n % 4)) % 4);
const CARD_TRIGGER: Trigger = {
  id: 4,
  next: (buf, _hay, at, to) => {
    for (let i = roundUp4(at); i < to; i += 4) if (isDigit(buf[i]!)) return i;
    return -1;
  },
};

// A digit run that starts before `from` belongs to the previous region.
function scanCards(buf: Buffer, from: number, to: number, out: ContentMatch[]): void {
  forEachTrigger(buf, from, to, CARD_TRIGGER, (i) => {
    let s = i;
    while (s > 0 && isDigit(buf[s - 1]!)) s--;
    let next = i + 1;
    while (next < buf.length && isDigit(buf[next]!)) next++;
    const card = s >= from && isCardStart(buf, s) ? parseCard(buf, s) : null;
    if (card !== null) {
      const [end, scheme, digits] = card;
      out.push({
        kind: 'credit-card',
        start: s,
        end,
        detail: `${scheme} card number (${digits} digits)`,
        confidence: 'confirmed',
      });
      next = end;
    }
    return roundUp4(next);
  });
}

export const CONTENT_RULES: readonly ContentRule[] = [
  {
    id: 'pem-private-key',
    kind: 'pem-private-key',
    source: 'RFC 7468 §10-11 (PKCS#8, encrypted PKCS#8); RFC 1421 headers of PKCS#1/SEC 1 legacy PEM',
    trigger: '"-----BEGIN " then a private-key label, EOL and ≥ 16 base64 characters',
    scan: scanPem,
  },
  {
    id: 'openssh-private-key',
    kind: 'openssh-private-key',
    source: 'OpenSSH PROTOCOL.key (openssh-key-v1, base64 "b3BlbnNzaC1rZXktdjEA")',
    trigger: 'shared with pem-private-key ("-----BEGIN OPENSSH PRIVATE KEY-----")',
    scan: () => undefined,
  },
  {
    id: 'aws-access-key-id',
    kind: 'aws-access-key-id',
    source: 'AWS IAM User Guide, "Unique identifiers" (prefixes AKIA, ASIA, ...; 20 characters, base32 alphabet)',
    trigger: "'A', one of K S G I R N, any byte, 'A'; then the prefix, 16 of [A-Z2-7] and word boundaries",
    scan: scanAws,
  },
  {
    id: 'jwt',
    kind: 'jwt',
    source: 'RFC 7519 §3, RFC 7515 §7.1 (JWS compact serialisation)',
    trigger:
      '"eyJ" not after a base64url character, then header and payload that decode to JSON objects, header with "alg"',
    scan: scanJwt,
  },
  {
    id: 'email',
    kind: 'email',
    source: 'RFC 5322 §3.4.1 (dot-atom addr-spec), RFC 1035 §2.3.4 (label lengths), RFC 5321 §4.5.3.1 (sizes)',
    trigger: "'@' after an atext character or dot and before a letter or digit",
    scan: scanEmail,
  },
  {
    id: 'credit-card',
    kind: 'credit-card',
    source:
      'ISO/IEC 7812-1 (IIN, Luhn); PCI DSS scheme prefixes (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay)',
    trigger: 'a digit at every 4th byte, then a 13-19 digit number (optionally grouped) with Luhn and IIN checks',
    scan: scanCards,
  },
];
