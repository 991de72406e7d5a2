// The exit-code contract of DESIGN §2, as data: the CLI, --help and the README read it from here.
export const EXIT_CODES = [
  {
    code: 0,
    name: 'ok',
    meaning: 'success: wiped+verified / scan clean / certificate valid / gate open',
    written: 'as requested',
  },
  {
    code: 1,
    name: 'not-clean',
    meaning: 'not clean: residue found, verification mismatch, gate closed',
    written: 'maybe',
  },
  {
    code: 2,
    name: 'usage',
    meaning: 'usage or input error: bad flag, unknown method, unreadable or malformed file',
    written: 'no',
  },
  {
    code: 3,
    name: 'refused',
    meaning: 'refused by a safety guard: mounted, in use, system disk, read-only, not confirmed',
    written: 'no',
  },
  {
    code: 4,
    name: 'io',
    meaning: 'I/O or device failure during the operation; no certificate issued',
    written: 'maybe, partially',
  },
  { code: 5, name: 'signature', meaning: 'signature invalid, key untrusted, or audit log tampered', written: 'no' },
  {
    code: 6,
    name: 'unsupported',
    meaning: 'unsupported: the requested crypto-erase backend cannot act on this device',
    written: 'no',
  },
  {
    code: 130,
    name: 'interrupted',
    meaning: 'interrupted (SIGINT/SIGTERM); resumable with --resume',
    written: 'partially',
  },
] as const;

export type ExitCodeName = (typeof EXIT_CODES)[number]['name'];
export type ExitCode = (typeof EXIT_CODES)[number]['code'];

// Looks up the numeric exit code for a name of the table.
export function exitCodeOf(name: ExitCodeName): ExitCode {
  const entry = EXIT_CODES.find((e) => e.name === name);
  if (!entry) throw new Error(`unknown exit code name ${name}`);
  return entry.code;
}
