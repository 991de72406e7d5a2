// The fleet ledger as wipe sees it: a lazy session whose mirror receives every audit entry after
// its local append (see ledger/mirror.ts). A bad URL fails here, before anything is written.
import { openLedgerSession, parseLedgerUrl, type LedgerSession } from '../ledger/index.js';

export type { LedgerSession } from '../ledger/index.js';

// Opens the session for `wipe --ledger URL`; ERR_LEDGER_URL (exit 2) for a bad URL. Nothing connects yet.
export function openWipeLedger(url: string, onNotice: (message: string) => void): LedgerSession {
  return openLedgerSession(parseLedgerUrl(url), { onNotice });
}
