// The live side of the ledger during a wipe: every audit entry, right after its local append,
// goes to the ledger too, and a cert.issued entry's certificate with it. The ledger is never in
// the way of the wipe: connecting waits at most connectTimeoutMs, the first failure is told once
// (onNotice) and the session stops trying for the rest of the run; `audit ship` sends the backlog.
import { join } from 'node:path';
import type { AuditEntry } from '../audit/index.js';
import { certificateFileName } from '../cert/index.js';
import { CleanslateError } from '../errors/index.js';
import { connectLedger, type Ledger } from './connect.js';
import { insertEntry, registerKey } from './insert.js';
import { isChainGap } from './pg-errors.js';
import { LEDGER_SCHEMA } from './schema.js';
import { shipAuditLog, shipCertificate, type ShipSource } from './ship.js';
import type { LedgerUrl } from './url.js';

/** Receives each entry after its local append. MUST NOT throw: a failure is a notice, never an error. */
export interface EntryMirror {
  record(entry: AuditEntry): Promise<void>;
}

/** One ledger connection shared by every target of a run. */
export interface LedgerSession {
  readonly url: LedgerUrl;
  /** A mirror for one state directory's log and keys. */
  mirror(source: ShipSource): EntryMirror;
  /** What reached the ledger, and the failure that stopped it (null when none). */
  summary(): LedgerSessionSummary;
  close(): Promise<void>;
}

export interface LedgerSessionSummary {
  ledger: string;
  entries: number;
  certificates: number;
  /** The first failure; the run went on locally after it. */
  error: string | null;
}

export interface LedgerSessionOptions {
  /** @default 2500 */
  connectTimeoutMs?: number;
  /** A stuck ledger must not hold the wipe for long. @default 10000 */
  queryTimeoutMs?: number;
  /** Told once, when the ledger fails and the session stops using it. */
  onNotice?: (message: string) => void;
}

// Opens a lazy session: nothing connects before the first entry.
export function openLedgerSession(url: LedgerUrl, options: LedgerSessionOptions = {}): LedgerSession {
  let connection: Promise<Ledger> | undefined;
  let failure: string | null = null;
  const summary = { entries: 0, certificates: 0 };
  /** Logs whose backlog this session has already sent (by path). */
  const caughtUp = new Set<string>();
  const connect = () =>
    (connection ??= connectLedger(url, {
      connectTimeoutMs: options.connectTimeoutMs ?? 2500,
      queryTimeoutMs: options.queryTimeoutMs ?? 10_000,
    }));

  const fail = async (error: unknown) => {
    if (failure !== null) return; // concurrent runs (--parallel) fail together: tell it once
    const text = error instanceof CleanslateError ? error.describe() : String(error);
    failure = text;
    options.onNotice?.(
      `${text}; the wipe goes on without the ledger (local audit log and certificates are complete); send them later with \`cleanslate audit ship --ledger URL\``,
    );
    const open = connection;
    connection = undefined;
    await open?.then((l) => l.close()).catch(() => undefined);
  };

  // Sends everything of the local log (first entry of a log in this session, or after a gap).
  const catchUp = async (ledger: Ledger, source: ShipSource) => {
    const shipped = await shipAuditLog(ledger, source);
    caughtUp.add(source.logPath);
    summary.entries += shipped.entries.inserted;
    summary.certificates += shipped.certificates.inserted;
  };

  const send = async (ledger: Ledger, source: ShipSource, entry: AuditEntry) => {
    if (!caughtUp.has(source.logPath) && !(await isNextInLedger(ledger, entry))) {
      return catchUp(ledger, source);
    }
    if (!caughtUp.has(source.logPath)) {
      for (const pem of source.publicKeyPems) await registerKey(ledger, pem, source.host);
      caughtUp.add(source.logPath);
    }
    try {
      if ((await insertEntry(ledger, entry, source.host)) === 'inserted') summary.entries += 1;
    } catch (error) {
      // another process of this host appended (and shipped) in between: send what is missing
      if (isChainGap(error)) return catchUp(ledger, source);
      throw error;
    }
    const id = entry.details?.certificateId;
    if (entry.type === 'cert.issued' && typeof id === 'string') {
      const path = typeof entry.details?.path === 'string' ? entry.details.path : undefined;
      const outcome = await shipCertificate(ledger, id, [path, join(source.certDir, certificateFileName(id))]);
      if (outcome === 'inserted') summary.certificates += 1;
    }
  };

  return {
    url,
    mirror: (source) => ({
      async record(entry) {
        if (failure !== null) return;
        try {
          await send(await connect(), source, entry);
        } catch (error) {
          await fail(error);
        }
      },
    }),
    summary: () => ({ ledger: url.redacted, ...summary, error: failure }),
    async close() {
      const open = connection;
      connection = undefined;
      await open?.then((l) => l.close()).catch(() => undefined);
    },
  };
}

// True when entry directly follows what the ledger holds for its key (the usual case: one cheap query).
async function isNextInLedger(ledger: Ledger, entry: AuditEntry): Promise<boolean> {
  const rows = await ledger.query<{ seq: string; hash: string }>(
    `SELECT seq, hash FROM ${LEDGER_SCHEMA}.audit_entries WHERE key_id = $1 ORDER BY seq DESC LIMIT 1`,
    [entry.keyId],
    'ledger: last entry of this host',
  );
  const last = rows[0];
  if (!last) return entry.seq === 1;
  return Number(last.seq) === entry.seq - 1 && last.hash === entry.prevHash;
}
