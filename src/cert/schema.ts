// A hand-written schema of the certificate Statement (DESIGN §7): every field type-checked,
// strings and lists bounded, integers only. A check returns the first problem as text, or null;
// it never throws, whatever JSON it is given.
import { DEVICE_URN_PREFIX, STATEMENT_TYPE } from './model.js';

type Check = (value: unknown, path: string) => string | null;

const MAX_STRING = 4096;
const MAX_LIST = 256;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value}`;
}

const str =
  (max = MAX_STRING, pattern?: RegExp, what = 'a string'): Check =>
  (v, path) => {
    if (typeof v !== 'string') return `${path} must be ${what}, got ${describe(v)}`;
    if (v.length > max) return `${path} is longer than ${max} characters`;
    if (pattern && !pattern.test(v)) return `${path} is not ${what}`;
    return null;
  };

const int =
  (min = 0, max = Number.MAX_SAFE_INTEGER): Check =>
  (v, path) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max
      ? null
      : `${path} must be an integer in [${min}, ${max}], got ${typeof v === 'number' ? v : describe(v)}`;

const literal =
  (...values: string[]): Check =>
  (v, path) =>
    typeof v === 'string' && values.includes(v) ? null : `${path} must be one of ${values.join(', ')}`;

const nullable =
  (check: Check): Check =>
  (v, path) =>
    v === null ? null : check(v, path);

const list =
  (item: Check, min = 0, max = MAX_LIST): Check =>
  (v, path) => {
    if (!Array.isArray(v)) return `${path} must be an array, got ${describe(v)}`;
    if (v.length < min || v.length > max) return `${path} must have ${min} to ${max} entries, has ${v.length}`;
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return null;
  };

// An object with these fields (all required; null must be explicit). `extra` allows unknown fields
// (a v1.x predicate may add some).
const obj =
  (shape: Record<string, Check>, extra = false): Check =>
  (v, path) => {
    if (!isRecord(v)) return `${path} must be an object, got ${describe(v)}`;
    for (const [key, check] of Object.entries(shape)) {
      if (!Object.hasOwn(v, key)) return `${path}.${key} is missing`;
      const problem = check(v[key], `${path}.${key}`);
      if (problem) return problem;
    }
    if (!extra) {
      const unknown = Object.keys(v).find((k) => !Object.hasOwn(shape, k));
      if (unknown !== undefined) return `${path} has an unknown field ${JSON.stringify(unknown.slice(0, 64))}`;
    }
    return null;
  };

const record =
  (key: RegExp, value: Check, max = MAX_LIST): Check =>
  (v, path) => {
    if (!isRecord(v)) return `${path} must be an object, got ${describe(v)}`;
    const entries = Object.entries(v);
    if (entries.length > max) return `${path} has more than ${max} entries`;
    for (const [k, item] of entries) {
      if (!key.test(k)) return `${path} has a bad key ${JSON.stringify(k.slice(0, 64))}`;
      const problem = value(item, `${path}.${k}`);
      if (problem) return problem;
    }
    return null;
  };

const oneOf =
  (tag: string, variants: Record<string, Check>): Check =>
  (v, path) => {
    if (!isRecord(v)) return `${path} must be an object, got ${describe(v)}`;
    const variant = typeof v[tag] === 'string' ? variants[v[tag]] : undefined;
    return variant ? variant(v, path) : `${path}.${tag} must be one of ${Object.keys(variants).join(', ')}`;
  };

const RFC3339_UTC = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?Z$/;
const time: Check = (v, path) =>
  str(40, RFC3339_UTC, 'an RFC 3339 UTC time')(v, path) ??
  (Number.isNaN(Date.parse(v as string)) ? `${path} is not a valid time` : null);
const hex64 = str(64, /^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const keyId = str(71, /^sha256:[0-9a-f]{64}$/, 'a key id (sha256:<hex>)');
const uuid = str(36, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a lowercase UUID');
const text = str();
const optText = nullable(str());

const person = obj({ name: optText, title: optText, organization: optText }, true);

const REGION = obj({ offset: int(), length: int(1), label: str(256) }, true);

const ERASE = obj(
  {
    backend: str(32, /^[a-z0-9-]+$/, 'a backend id'),
    technique: literal('crypto-erase', 'block-erase', 'overwrite'),
    commands: list(str(1024), 0, 64),
    regions: list(REGION, 0, 1024),
    luks: nullable(obj({ version: int(1, 2), uuid: str(64), keyslots: int(0, 64) }, true)),
    evidence: record(/^[\x21-\x7e][\x20-\x7e]{0,127}$/, (v, path) =>
      v === null || typeof v === 'boolean' || typeof v === 'string'
        ? typeof v === 'string' && v.length > 1024
          ? `${path} is longer than 1024 characters`
          : null
        : int()(v, path),
    ),
    startedAt: time,
    endedAt: time,
  },
  true,
);

// A field that certificates issued before it existed do not carry (absent reads as null).
const optionalField =
  (name: string, check: Check): Check =>
  (v, path) =>
    isRecord(v) && Object.hasOwn(v, name) ? check(v[name], `${path}.${name}`) : null;

const allOf =
  (...checks: Check[]): Check =>
  (v, path) => {
    for (const check of checks) {
      const problem = check(v, path);
      if (problem) return problem;
    }
    return null;
  };

const PASS = obj({ index: int(1, 1024), pattern: str(256), bytes: int(), startedAt: time, endedAt: time }, true);

const PREDICATE = obj(
  {
    certificateId: uuid,
    issuedAt: time,
    signingKeyId: keyId,
    standard: text,
    tool: obj({ name: str(256), version: str(256) }, true),
    host: text,
    operator: person,
    validator: person,
    tenant: optText,
    volumeId: optText,
    media: obj(
      {
        deviceId: keyId,
        kind: literal('block', 'file'),
        mediaType: str(64),
        path: text,
        realPath: text,
        name: optText,
        manufacturer: optText,
        model: optText,
        serial: optText,
        wwn: optText,
        sizeBytes: int(),
        logicalBlockSize: int(),
        transport: optText,
        loopBackingFile: optText,
        partition: nullable(int()),
      },
      true,
    ),
    sanitization: allOf(
      optionalField('erase', nullable(ERASE)),
      optionalField(
        'interruptions',
        list(obj({ at: time, pass: int(1, 1025), offset: int(), reason: str(64) }, true), 0, 1024),
      ),
      obj(
        {
          methodType: literal('clear', 'purge'),
          technique: literal('overwrite', 'crypto-erase', 'block-erase'),
          method: str(128),
          methodLabel: text,
          methodSource: text,
          methodDetails: text,
          passes: list(PASS, 0, 1024),
          seedCommitment: hex64,
          startedAt: time,
          endedAt: time,
          bytesWritten: int(),
        },
        true,
      ),
    ),
    verification: obj(
      {
        mode: literal('last', 'all', 'none', 'scan'),
        method: text,
        bytesRead: int(),
        mismatches: int(),
        claim: optText,
      },
      true,
    ),
    residualScan: obj(
      {
        mode: literal('full', 'sample', 'none'),
        bytesScanned: int(),
        samples: nullable(int()),
        claim: optText,
        findings: record(/^[a-z0-9][a-z0-9-]{0,63}$/, int()),
        residueBlocks: int(),
        result: literal('clean', 'residue', 'not-run'),
      },
      true,
    ),
    finalState: obj(
      {
        expect: str(256),
        pattern: oneOf('kind', {
          bytes: obj({ kind: literal('bytes'), bytes: list(int(0, 255), 1, 16) }),
          'aes-ctr': obj({ kind: literal('aes-ctr'), keyCommitment: hex64 }),
          none: obj({ kind: literal('none') }),
        }),
        sampleScheme: str(128),
        sampleDigest: hex64,
      },
      true,
    ),
    postSanitization: obj({ destination: optText }, true),
    result: literal('PASS', 'FAIL'),
    audit: nullable(obj({ seq: int(), entryHash: str(256) }, true)),
  },
  true,
);

const STATEMENT = obj({
  _type: literal(STATEMENT_TYPE),
  subject: list(
    obj({
      name: str(DEVICE_URN_PREFIX.length + 64, /^urn:cleanslate:device:[0-9a-f]{64}$/, 'a cleanslate device URN'),
      digest: obj({ sha256: hex64 }),
    }),
    1,
    1,
  ),
  predicateType: str(256),
  predicate: PREDICATE,
});

// The first problem of a Statement against the v1 format, or null when it conforms.
export function findStatementProblem(value: unknown): string | null {
  return findNonInteger(value, 'statement', 0) ?? STATEMENT(value, 'statement');
}

// Integers only, anywhere (DESIGN §7); depth is bounded by the parser's own depth check.
function findNonInteger(value: unknown, path: string, depth: number): string | null {
  if (depth > 64) return `${path} is nested too deeply`;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? null : `${path} is not an integer (${value})`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findNonInteger(value[i], `${path}[${i}]`, depth + 1);
      if (problem) return problem;
    }
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      const problem = findNonInteger(v, `${path}.${k}`, depth + 1);
      if (problem) return problem;
    }
  }
  return null;
}
