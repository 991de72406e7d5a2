// The NDJSON progress events of `--progress ndjson` (one JSON object per line on stderr, each with
// `ts` and `target`), as data for --help and the README. Keyed by every event type: a new event in
// types.ts fails to compile until it is documented here.
import type { ProgressEvent } from '../types.js';

export interface ProgressEventDoc {
  when: string;
  fields: string;
}

export const PROGRESS_EVENTS = {
  started: { when: 'the passes begin', fields: 'sizeBytes, passes, method' },
  'pass.started': { when: 'a pass begins', fields: 'pass, passes, pattern' },
  'pass.progress': {
    when: 'at most every 250 ms while a pass writes',
    fields: 'pass, passes, bytes, totalBytes, bytesPerSecond',
  },
  'pass.completed': { when: 'a pass is written and synced', fields: 'pass, passes, bytes, durationMs, bytesPerSecond' },
  'verify.started': { when: 'a read-back begins', fields: 'pass' },
  'verify.progress': {
    when: 'at most every 250 ms while reading back',
    fields: 'pass, bytes, totalBytes, bytesPerSecond',
  },
  'verify.completed': {
    when: 'a read-back ends',
    fields: 'pass, bytes, mismatches, durationMs, bytesPerSecond',
  },
  'scan.started': { when: 'the residual scan begins', fields: 'mode, expect, totalBytes' },
  'scan.progress': { when: 'at most every 250 ms while scanning', fields: 'bytes, totalBytes, bytesPerSecond' },
  'scan.finding': {
    when: 'the scanner recognises a residue (never its content)',
    fields: 'offset, length, category, kind, confidence, detail',
  },
  'scan.completed': {
    when: 'the scan ends',
    fields: 'bytes, findings, residueBlocks, durationMs, bytesPerSecond',
  },
  'erase.started': { when: 'a crypto-erase begins', fields: 'backend, technique' },
  'erase.progress': { when: 'while the device reports erase progress', fields: 'backend, percent, message' },
  'erase.completed': {
    when: 'the device (or read-back) showed the erase complete',
    fields: 'backend, technique, durationMs',
  },
  'io.retry': {
    when: 'a write failed and is retried (--on-error retry:N)',
    fields: 'pass, offset, length, attempt, error',
  },
  notice: { when: 'something the operator should know (a host key was created)', fields: 'message' },
  completed: { when: 'the target is done', fields: 'result (PASS or FAIL)' },
  failed: { when: 'the target stopped with an error', fields: 'code, message' },
} as const satisfies Record<ProgressEvent['type'], ProgressEventDoc>;
