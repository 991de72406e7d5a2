// The display model behind `cert render`: parses a certificate file (a DSSE envelope around an
// in-toto Statement, DESIGN §7) without verifying it, and turns it into labelled, formatted text
// that the PDF and HTML renderers lay out the same way. Pure: no I/O, every field may be missing.
import { createHash } from 'node:crypto';
import { create as createQr } from 'qrcode';
import { CleanslateError } from '../errors/index.js';

/** The DSSE payload type of a cleanslate certificate. */
export const CERTIFICATE_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** What a missing field renders as. */
export const MISSING = '—';

/** Largest certificate file `cert render` reads; a real one is a few KiB. */
export const MAX_CERTIFICATE_BYTES = 1024 * 1024;

/** Longest value shown on the page; longer ones end with "…" (the attached JSON keeps them whole). */
const MAX_VALUE_CHARS = 240;

/** A parsed but unverified certificate file. */
export interface ParsedCertificate {
  /** The file exactly as read: attached to the PDF and embedded in the HTML unchanged. */
  raw: Buffer;
  envelope: {
    payloadType: string;
    payload: string;
    signatures: { keyid: string; sig: string }[];
  };
  /** The decoded DSSE body (the bytes the signature covers). */
  payload: Buffer;
  /** The in-toto Statement parsed from the payload. */
  statement: Record<string, unknown>;
}

export interface RenderOptions {
  /** Organisation named on the certificate. @default the predicate's organisation, else its host */
  organisation?: string | undefined;
}

export interface DisplayField {
  label: string;
  value: string;
  /** Render in a fixed-width font (ids, digests). */
  mono?: boolean;
  /** Long prose: the PDF may wrap it onto a second line. */
  wrap?: boolean;
}

export interface DisplaySection {
  title: string;
  fields: DisplayField[];
}

export interface DisplayPass {
  index: number;
  pattern: string;
  bytes: string;
  startedAt: string;
  endedAt: string;
}

export interface CertificateView {
  title: string;
  organisation: string;
  certificateId: string;
  /** PASS, FAIL or — */
  result: string;
  issuedAt: string;
  media: DisplaySection;
  sanitization: DisplaySection;
  passes: DisplayPass[];
  verification: DisplaySection;
  residualScan: DisplaySection;
  custody: DisplaySection;
  signature: DisplaySection;
  /** Names for the signature lines: who sanitized, who validates (may be blank). */
  sanitizedBy: string;
  validatedBy: string;
  /** Hex SHA-256 of the decoded payload: binds the QR summary to the signed JSON. */
  payloadDigest: string;
  /** The string the QR code encodes (see qrSummary). */
  qrText: string;
  /** The QR modules, row-major, true = dark. */
  qr: QrMatrix;
  /** Name of the attached certificate file, `<certificateId>.cert.json`. */
  attachmentName: string;
  /** issuedAt as a Date, for document metadata; undefined when absent or invalid. */
  issuedDate: Date | undefined;
}

export interface QrMatrix {
  size: number;
  /** size × size modules, row-major; 1 = dark. */
  modules: Uint8Array;
}

// Throws the one error `cert render` reports for a file that is not a certificate (exit 2).
function malformed(message: string, cause?: unknown): never {
  throw new CleanslateError('ERR_CERT_MALFORMED', `not a cleanslate certificate: ${message}`, {
    step: 'cert render',
    cause,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Parses a certificate file into envelope, payload and Statement; does NOT verify the signature.
export function parseCertificate(file: Buffer | string): ParsedCertificate {
  const raw = typeof file === 'string' ? Buffer.from(file, 'utf8') : file;
  if (raw.length > MAX_CERTIFICATE_BYTES) malformed(`file is larger than ${MAX_CERTIFICATE_BYTES} bytes`);
  let envelope: unknown;
  try {
    envelope = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (error) {
    malformed('the file is not UTF-8 JSON', error);
  }
  if (!isRecord(envelope)) malformed('the file is not a JSON object');
  const { payloadType, payload, signatures } = envelope;
  if (payloadType !== CERTIFICATE_PAYLOAD_TYPE) malformed(`payloadType is not ${CERTIFICATE_PAYLOAD_TYPE}`);
  if (typeof payload !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(payload) || payload.length % 4 === 1) {
    malformed('payload is not base64');
  }
  if (
    !Array.isArray(signatures) ||
    !signatures.every((s) => isRecord(s) && typeof s.keyid === 'string' && typeof s.sig === 'string')
  ) {
    malformed('signatures is not a list of {keyid, sig}');
  }
  const body = Buffer.from(payload, 'base64');
  let statement: unknown;
  try {
    statement = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (error) {
    malformed('the payload is not UTF-8 JSON', error);
  }
  if (!isRecord(statement) || !isRecord(statement.predicate)) malformed('the payload has no predicate object');
  return {
    raw,
    envelope: {
      payloadType,
      payload,
      signatures: (signatures as { keyid: string; sig: string }[]).map(({ keyid, sig }) => ({ keyid, sig })),
    },
    payload: body,
    statement,
  };
}

// The value at a dotted path of a JSON object, or undefined.
function at(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split('.')) {
    if (!isRecord(value)) return undefined;
    value = value[key];
  }
  return value;
}

// The first of several paths that holds a displayable value (field names vary across versions).
function first(root: unknown, ...paths: string[]): unknown {
  for (const path of paths) {
    const value = at(root, path);
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

// Any JSON value as one line of text, capped in length; objects show their scalar members.
export function displayText(value: unknown): string {
  let text: string;
  if (value === undefined || value === null || value === '') return MISSING;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (Array.isArray(value)) text = value.map(displayText).join(', ');
  else if (isRecord(value)) {
    text = Object.entries(value)
      .filter(([, v]) => v !== null && typeof v !== 'object')
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(', ');
  } else text = String(value);
  // control characters would break a line of the page
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (text === '') return MISSING;
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

// A non-negative integer from a number or a decimal string, else undefined.
function integerOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

// Groups digits in threes: 1000204886016 → "1,000,204,886,016".
function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const BINARY_UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
const DECIMAL_UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

// A byte count for people: "1.00 TB / 931.51 GiB (1,000,204,886,016 bytes)"; short drops the GiB.
export function formatSize(value: unknown, short = false): string {
  const bytes = integerOf(value);
  if (bytes === undefined) return displayText(value);
  if (bytes < 1000) return `${bytes} bytes`;
  const scaled = (base: number, units: string[]) => {
    let v = bytes;
    let unit = 0;
    while (v >= base && unit < units.length - 1) {
      v /= base;
      unit++;
    }
    return `${v.toFixed(2)} ${units[unit]}`;
  };
  const binary = short ? '' : ` / ${scaled(1024, BINARY_UNITS)}`;
  return `${scaled(1000, DECIMAL_UNITS)}${binary} (${groupDigits(bytes)} bytes)`;
}

// A plain count with digit groups, or the text as is.
function formatCount(value: unknown): string {
  const n = integerOf(value);
  return n === undefined ? displayText(value) : groupDigits(n);
}

// An RFC 3339 time as "2026-11-23 04:39:31 UTC"; anything unparsable is shown as given.
export function formatTime(value: unknown): string {
  const date = dateOf(value);
  if (!date) return displayText(value);
  return `${date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '')
    .replace(/Z$/, '')} UTC`;
}

function dateOf(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

// Milliseconds between two RFC 3339 times as "1h 02m 03s", or undefined.
function durationBetween(start: unknown, end: unknown): string | undefined {
  const a = dateOf(start);
  const b = dateOf(end);
  if (!a || !b || b < a) return undefined;
  const total = Math.round((b.getTime() - a.getTime()) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return `${h}h ${String(m).padStart(2, '0')}m ${String(s).padStart(2, '0')}s`;
  return m ? `${m}m ${String(s).padStart(2, '0')}s` : `${s}s`;
}

// A person as "name, title (organisation)" from a string or an Appendix G person block.
function personOf(value: unknown): string {
  if (!isRecord(value)) return displayText(value);
  const name = first(value, 'name', 'id');
  const title = first(value, 'title', 'position');
  const org = first(value, 'organisation', 'organization');
  if (name === undefined) return displayText(value);
  const text = [displayText(name), title === undefined ? '' : `, ${displayText(title)}`].join('');
  return org === undefined ? text : `${text} (${displayText(org)})`;
}

// A name to print above a signature line, or '' to leave the line blank.
function signerOf(value: unknown): string {
  const text = personOf(value);
  return text === MISSING ? '' : text;
}

// The result as PASS, FAIL or —.
function resultOf(value: unknown): string {
  return value === 'PASS' || value === 'FAIL' ? value : MISSING;
}

// The compact summary the QR code carries: `cleanslate:v1:<certificateId>:<result>:<sha256 hex
// of the decoded payload>`. The digest ties the printed page to the signed JSON: anyone holding
// the certificate file can recompute it with `jq -r .payload | base64 -d | sha256sum`.
export function qrSummary(certificateId: string, result: string, payloadDigest: string): string {
  const id = certificateId === MISSING ? '' : encodeURIComponent(certificateId);
  const res = result === 'PASS' || result === 'FAIL' ? result : 'UNKNOWN';
  return `cleanslate:v1:${id}:${res}:${payloadDigest}`;
}

// The dark modules of a QR matrix as horizontal runs, row by row (what both renderers draw).
export function qrDarkRuns(qr: QrMatrix): { row: number; start: number; length: number }[] {
  const runs: { row: number; start: number; length: number }[] = [];
  for (let row = 0; row < qr.size; row++) {
    let col = 0;
    while (col < qr.size) {
      if (!qr.modules[row * qr.size + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < qr.size && qr.modules[row * qr.size + col]) col++;
      runs.push({ row, start, length: col - start });
    }
  }
  return runs;
}

// The QR modules of a text (error correction M), as a square 0/1 matrix.
export function qrMatrix(text: string): QrMatrix {
  const { modules } = createQr(text, { errorCorrectionLevel: 'M' });
  const out = new Uint8Array(modules.size * modules.size);
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) out[row * modules.size + col] = modules.get(row, col) ? 1 : 0;
  }
  return { size: modules.size, modules: out };
}

// The display model of a certificate: every field formatted, "—" where missing.
export function buildCertificateView(cert: ParsedCertificate, options: RenderOptions = {}): CertificateView {
  const p = cert.statement.predicate;
  const f = (label: string, value: unknown, mono = false): DisplayField =>
    mono ? { label, value: displayText(value), mono } : { label, value: displayText(value) };
  const rawPasses = at(p, 'sanitization.passes');
  const passList = Array.isArray(rawPasses) ? rawPasses : [];
  const passes = passList.map((pass, i) => ({
    index: i + 1,
    pattern: displayText(first(pass, 'pattern', 'fill')),
    bytes: formatSize(at(pass, 'bytes'), true),
    startedAt: formatTime(at(pass, 'startedAt')),
    endedAt: formatTime(at(pass, 'endedAt')),
  }));
  const startedAt = first(p, 'startedAt', 'sanitization.startedAt') ?? at(passList[0], 'startedAt');
  const endedAt = first(p, 'endedAt', 'sanitization.endedAt') ?? at(passList[passList.length - 1], 'endedAt');
  const certificateId = displayText(at(p, 'certificateId'));
  const result = resultOf(at(p, 'result'));
  const payloadDigest = createHash('sha256').update(cert.payload).digest('hex');
  const qrText = qrSummary(certificateId, result, payloadDigest);
  const findings = at(p, 'residualScan.findings');
  const findingsText = isRecord(findings)
    ? Object.entries(findings)
        .map(([kind, count]) => `${kind}: ${displayText(count)}`)
        .join(', ') || 'none'
    : findings;
  const keyId = first(p, 'signingKeyId') ?? cert.envelope.signatures[0]?.keyid;
  const tool = at(p, 'tool');
  const toolText = isRecord(tool)
    ? [tool.name, tool.version].filter((v) => typeof v === 'string' || typeof v === 'number').join(' ')
    : tool;
  const organisation =
    options.organisation?.trim() ||
    displayText(first(p, 'organisation', 'organization', 'operator.organization', 'operator.organisation', 'host'));
  const operator = first(p, 'operator', 'sanitizedBy');
  const validator = first(p, 'validatedBy', 'validator');
  const seq = at(p, 'audit.seq');
  const entryHash = at(p, 'audit.entryHash');

  return {
    title: 'Certificate of Sanitization',
    organisation: displayText(organisation),
    certificateId,
    result,
    issuedAt: formatTime(at(p, 'issuedAt')),
    media: {
      title: 'Media',
      fields: [
        f('Manufacturer', first(p, 'media.manufacturer', 'media.make', 'media.vendor')),
        f('Model', at(p, 'media.model')),
        f('Serial number', at(p, 'media.serial'), true),
        f('WWN', at(p, 'media.wwn'), true),
        { label: 'Capacity', value: formatSize(at(p, 'media.sizeBytes')) },
        { label: 'Logical block size', value: formatSize(at(p, 'media.logicalBlockSize')) },
        f('Media type', first(p, 'media.type', 'media.mediaType')),
        f('Device path', at(p, 'media.path'), true),
        f('Transport', at(p, 'media.transport')),
      ],
    },
    sanitization: {
      title: 'Sanitization (NIST SP 800-88)',
      fields: [
        f('Method type', at(p, 'sanitization.methodType')),
        f('Technique', at(p, 'sanitization.technique')),
        ...eraseFields(p, f),
        ...interruptionFields(p, f),
        f('Method', at(p, 'sanitization.method'), true),
        f('Method name', at(p, 'sanitization.methodLabel')),
        { ...f('Method details', first(p, 'sanitization.methodDetails', 'sanitization.details')), wrap: true },
        f('Standard', first(p, 'standard', 'sanitization.methodSource')),
        f('Tool', toolText),
        { label: 'Started', value: formatTime(startedAt) },
        { label: 'Ended', value: formatTime(endedAt) },
        { label: 'Duration', value: durationBetween(startedAt, endedAt) ?? MISSING },
        f('Seed commitment', at(p, 'sanitization.seedCommitment'), true),
      ],
    },
    passes,
    verification: {
      title: 'Verification',
      fields: [
        f('Mode', at(p, 'verification.mode')),
        { ...f('Method', at(p, 'verification.method')), wrap: true },
        { label: 'Bytes read', value: formatSize(at(p, 'verification.bytesRead')) },
        { label: 'Mismatches', value: formatCount(at(p, 'verification.mismatches')) },
        f('Claim', at(p, 'verification.claim')),
        f('Final state', at(p, 'finalState.expect')),
      ],
    },
    residualScan: {
      title: 'Residual scan',
      fields: [
        f('Mode', at(p, 'residualScan.mode')),
        f('Result', at(p, 'residualScan.result')),
        f('Findings', findingsText),
        { label: 'Bytes scanned', value: formatSize(at(p, 'residualScan.bytesScanned')) },
        { label: 'Residue blocks', value: formatCount(at(p, 'residualScan.residueBlocks')) },
        { ...f('Claim', at(p, 'residualScan.claim')), wrap: true },
        f('Destination', first(p, 'postSanitization.destination', 'destination', 'postSanitizationDestination')),
      ],
    },
    custody: {
      title: 'Custody',
      fields: [
        { label: 'Operator', value: personOf(operator) },
        f('Tenant', at(p, 'tenant')),
        f('Volume', at(p, 'volumeId'), true),
        f('Host', at(p, 'host')),
      ],
    },
    signature: {
      title: 'Signature',
      fields: [
        f('Certificate ID', at(p, 'certificateId'), true),
        f('Issued', formatTime(at(p, 'issuedAt'))),
        f('Signing key ID', keyId, true),
        f('Payload SHA-256', payloadDigest, true),
        f(
          'Audit entry',
          seq === undefined && entryHash === undefined ? undefined : `#${displayText(seq)} ${displayText(entryHash)}`,
          true,
        ),
      ],
    },
    sanitizedBy: signerOf(operator),
    validatedBy: signerOf(validator),
    payloadDigest,
    qrText,
    qr: qrMatrix(qrText),
    attachmentName: `${certificateId === MISSING ? 'certificate' : safeFileStem(certificateId)}.cert.json`,
    issuedDate: dateOf(at(p, 'issuedAt')),
  };
}

// A certificate id usable as a file name stem (no slashes, no dots at the start).
// One row per interruption of a resumed run (none for a run that was never interrupted).
function interruptionFields(
  p: unknown,
  f: (label: string, value: unknown, mono?: boolean) => DisplayField,
): DisplayField[] {
  const stops = at(p, 'sanitization.interruptions');
  if (!Array.isArray(stops)) return [];
  return stops.map((stop) =>
    f(
      'Interrupted',
      `${displayText(at(stop, 'reason'))} at ${displayText(at(stop, 'at'))}, pass ${displayText(at(stop, 'pass'))}; resumed`,
    ),
  );
}

// The crypto-erase rows, only for a certificate that records one.
function eraseFields(p: unknown, f: (label: string, value: unknown, mono?: boolean) => DisplayField): DisplayField[] {
  const erase = at(p, 'sanitization.erase');
  if (!isRecord(erase)) return [];
  const regions = Array.isArray(erase.regions) ? erase.regions.length : 0;
  const uuid = at(erase, 'luks.uuid');
  return [
    f('Crypto-erase', `${displayText(erase.technique)} via ${displayText(erase.backend)}`),
    ...(regions > 0 ? [f('Regions destroyed', String(regions))] : []),
    ...(uuid !== undefined ? [f('Erased LUKS UUID', uuid, true)] : []),
  ];
}

export function safeFileStem(id: string): string {
  const stem = id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_');
  return stem.slice(0, 100) || 'certificate';
}
