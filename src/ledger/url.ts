// Ledger URLs: only postgres:// and postgresql://, and never printed with their password.
import { CleanslateError } from '../errors/index.js';

/** A checked ledger URL: the text pg connects with, and the same with the password masked. */
export interface LedgerUrl {
  connectionString: string;
  /** For messages, logs and JSON: the password replaced by `***`. */
  redacted: string;
}

const SCHEMES = new Set(['postgres:', 'postgresql:']);

// Parses --ledger / CLEANSLATE_LEDGER; ERR_LEDGER_URL (exit 2) for anything but a postgres URL.
export function parseLedgerUrl(text: string): LedgerUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CleanslateError('ERR_LEDGER_URL', 'not a URL (expected postgres://user:password@host:port/database)', {
      target: redactLedgerUrl(text),
      step: 'ledger url',
    });
  }
  if (!SCHEMES.has(url.protocol)) {
    throw new CleanslateError('ERR_LEDGER_URL', `scheme ${url.protocol} is not postgres: or postgresql:`, {
      target: redactLedgerUrl(text),
      step: 'ledger url',
    });
  }
  if (!url.hostname && !url.searchParams.has('host')) {
    throw new CleanslateError('ERR_LEDGER_URL', 'the URL names no host', {
      target: redactLedgerUrl(text),
      step: 'ledger url',
    });
  }
  return { connectionString: text, redacted: redactLedgerUrl(text) };
}

// The URL with its password (userinfo after ':', and a ?password= parameter) replaced by ***.
export function redactLedgerUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    if (url.searchParams.has('password')) url.searchParams.set('password', '***');
    return url.toString();
  } catch {
    // not parseable: mask anything between "//user:" and "@" by hand
    return text.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
  }
}
