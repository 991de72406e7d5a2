// Reads and verifies a log: shape, canonical form, hash, seq, chain and signature of every line.
import { KeyObject } from 'node:crypto';
import { CleanslateError } from '../errors/index.js';
import {
  GENESIS_HASH,
  MAX_LINE_BYTES,
  canonicalJson,
  computeEntryHash,
  entryShapeProblem,
  isEntrySignatureValid,
  keyIdOf,
  type AuditEntry,
} from './entry.js';
import { readRawLines, type RawLine } from './lines.js';

export type AuditProblemKind = 'malformed' | 'hash' | 'chain' | 'seq' | 'signature' | 'untrusted-key' | 'truncated';

export interface AuditProblem {
  /** 1-based line number in the file. */
  line: number;
  /** The seq the line claims, or null when the line could not be parsed. */
  seq: number | null;
  kind: AuditProblemKind;
  message: string;
}

/** A certificate's pointer into the log (DESIGN §7 predicate.audit). */
export interface AuditAnchor {
  seq: number;
  entryHash: string;
}

export interface AuditVerification {
  /** True when every line is well formed, chained, consecutive and signed by a trusted key. */
  ok: boolean;
  /** Lines parsed as entries (including ones with a hash, chain or signature problem). */
  entries: number;
  /** seq and hash of the last parsed entry; 0 and 64 zeros for an empty log. */
  lastSeq: number;
  lastHash: string;
  /** In file order; at most MAX_PROBLEMS, problemCount has the total. */
  problems: AuditProblem[];
  problemCount: number;
  /** Hashes of the entries whose seq was asked for in options.anchorSeqs (first occurrence). */
  anchorHashes: Map<number, string>;
}

export interface VerifyAuditLogOptions {
  /** seqs whose entry hash to collect, for checkAnchor() on entries before the last. */
  anchorSeqs?: Iterable<number>;
}

/** Trusted verification keys: by key id, or one key (its id is computed). */
export type AuditKeys = Map<string, KeyObject> | KeyObject;

const MAX_PROBLEMS = 1000;

// Builds the keyId → key map of trusted keys from public keys or PEM texts.
export function trustedAuditKeys(keys: Iterable<KeyObject>): Map<string, KeyObject> {
  return new Map([...keys].map((key) => [keyIdOf(key), key] as const));
}

// Turns a raw line into an entry or a malformed/truncated problem (no chain or signature check).
function parseLine(raw: RawLine): { entry: AuditEntry } | { problem: AuditProblem } {
  const bad = (kind: AuditProblemKind, message: string, seq: number | null = null) => ({
    problem: { line: raw.line, seq, kind, message },
  });
  if (!raw.terminated) {
    return bad(
      'truncated',
      `the last line (${raw.byteLength} bytes) has no newline: the file was truncated or cut off`,
    );
  }
  if (raw.problem === 'too-long') {
    return bad('malformed', `line is ${raw.byteLength} bytes, over the ${MAX_LINE_BYTES}-byte limit`);
  }
  if (raw.problem === 'not-utf8' || raw.text === undefined) return bad('malformed', 'line is not valid UTF-8');
  let value: unknown;
  try {
    value = JSON.parse(raw.text);
  } catch {
    return bad('malformed', raw.text === '' ? 'empty line' : 'line is not JSON');
  }
  const shape = entryShapeProblem(value);
  const claimed = (value as { seq?: unknown } | null)?.seq;
  const seq = typeof claimed === 'number' && Number.isSafeInteger(claimed) ? claimed : null;
  if (shape) return bad('malformed', shape, seq);
  if (canonicalJson(value) !== raw.text) {
    return bad('malformed', 'line is not in canonical JSON form (reformatted, duplicated key or edited)', seq);
  }
  return { entry: value as AuditEntry };
}

// Maps a read failure to "unreadable file" (exit 2); CleanslateErrors pass through.
function readError(path: string, error: unknown): CleanslateError {
  if (error instanceof CleanslateError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return new CleanslateError('ERR_AUDIT_UNREADABLE', `cannot read the audit log${code ? ` (${code})` : ''}`, {
    target: path,
    step: 'audit read',
    cause: error,
  });
}

// Verifies every line of the log at path against the trusted keys; streams, memory stays flat.
// The log alone cannot show that its LAST entries were removed: check certificates' anchors with
// checkAnchor() (and the fleet ledger) for that.
export async function verifyAuditLog(
  path: string,
  keys: AuditKeys,
  options: VerifyAuditLogOptions = {},
): Promise<AuditVerification> {
  const trusted = keys instanceof KeyObject ? trustedAuditKeys([keys]) : keys;
  const wanted = new Set(options.anchorSeqs ?? []);
  const result: AuditVerification = {
    ok: true,
    entries: 0,
    lastSeq: 0,
    lastHash: GENESIS_HASH,
    problems: [],
    problemCount: 0,
    anchorHashes: new Map(),
  };
  const report = (problem: AuditProblem) => {
    result.ok = false;
    result.problemCount += 1;
    if (result.problems.length < MAX_PROBLEMS) result.problems.push(problem);
  };
  // What the next line must claim; undefined after an unparseable line (resynchronise on the next).
  let expectedSeq: number | undefined = 1;
  let expectedPrev: string | undefined = GENESIS_HASH;
  try {
    for await (const raw of readRawLines(path, MAX_LINE_BYTES)) {
      const parsed = parseLine(raw);
      if ('problem' in parsed) {
        report(parsed.problem);
        expectedSeq = undefined;
        expectedPrev = undefined;
        continue;
      }
      const { entry } = parsed;
      const at = (kind: AuditProblemKind, message: string) => report({ line: raw.line, seq: entry.seq, kind, message });
      result.entries += 1;
      if (computeEntryHash(entry) !== entry.hash) at('hash', 'the entry does not match its hash: the line was edited');
      if (expectedSeq !== undefined && entry.seq !== expectedSeq) {
        at(
          'seq',
          `seq ${entry.seq} where ${expectedSeq} was expected: a line was deleted, inserted or moved before this one`,
        );
      }
      if (expectedPrev !== undefined && entry.prevHash !== expectedPrev) {
        at('chain', `prevHash does not match the hash of the line before: the chain is broken here`);
      }
      const key = trusted.get(entry.keyId);
      if (!key) at('untrusted-key', `signed by ${entry.keyId}, which is not a trusted key`);
      else if (!isEntrySignatureValid(entry.hash, entry.sig, key)) {
        at('signature', `the signature does not verify with ${entry.keyId}: the line was forged or re-hashed`);
      }
      if (wanted.has(entry.seq) && !result.anchorHashes.has(entry.seq)) result.anchorHashes.set(entry.seq, entry.hash);
      expectedSeq = entry.seq + 1;
      expectedPrev = entry.hash;
      result.lastSeq = entry.seq;
      result.lastHash = entry.hash;
    }
  } catch (error) {
    throw readError(path, error);
  }
  return result;
}

// One line saying what is wrong first ("line 7 (seq 7): hash: ..."), for error messages.
export function describeProblem(problem: AuditProblem): string {
  const seq = problem.seq === null ? '' : ` (seq ${problem.seq})`;
  return `line ${problem.line}${seq}: ${problem.kind}: ${problem.message}`;
}

export interface AnchorCheck {
  ok: boolean;
  message: string;
}

// Checks a certificate's audit anchor {seq, entryHash} against a verification of the log: catches
// a log whose last entries were removed (seq beyond lastSeq) or rewritten (hash differs).
export function checkAnchor(verification: AuditVerification, anchor: AuditAnchor): AnchorCheck {
  if (!verification.ok) return { ok: false, message: 'the audit log is not intact' };
  if (anchor.seq > verification.lastSeq) {
    return {
      ok: false,
      message: `the anchor names seq ${anchor.seq} but the log ends at seq ${verification.lastSeq}: entries were removed from its end`,
    };
  }
  const hash = anchor.seq === verification.lastSeq ? verification.lastHash : verification.anchorHashes.get(anchor.seq);
  if (hash === undefined) {
    return {
      ok: false,
      message: `seq ${anchor.seq} was not collected: pass it in options.anchorSeqs to verifyAuditLog()`,
    };
  }
  if (hash !== anchor.entryHash) {
    return { ok: false, message: `entry seq ${anchor.seq} has hash ${hash}, the anchor says ${anchor.entryHash}` };
  }
  return { ok: true, message: `entry seq ${anchor.seq} matches the anchor` };
}

// Streams the entries of a log in file order (shape only, no chain or signature check); a
// malformed or truncated line throws ERR_AUDIT_MALFORMED naming the line.
export async function* readAuditLog(path: string): AsyncGenerator<AuditEntry> {
  let lines: AsyncGenerator<RawLine>;
  try {
    lines = readRawLines(path, MAX_LINE_BYTES);
  } catch (error) {
    throw readError(path, error);
  }
  for (;;) {
    let next: IteratorResult<RawLine>;
    try {
      next = await lines.next();
    } catch (error) {
      throw readError(path, error);
    }
    if (next.done) return;
    const parsed = parseLine(next.value);
    if ('problem' in parsed) {
      throw new CleanslateError('ERR_AUDIT_MALFORMED', describeProblem(parsed.problem), {
        target: path,
        step: 'audit read',
      });
    }
    yield parsed.entry;
  }
}
