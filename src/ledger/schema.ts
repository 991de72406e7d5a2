// The ledger's schema as data: every statement `ledger init` runs, in order, each idempotent
// (IF NOT EXISTS, CREATE OR REPLACE, roles and triggers created only when absent), so init can run
// any number of times, from any host, also concurrently (init holds an advisory lock).
// Needs PostgreSQL 11 or later (EXECUTE FUNCTION, sha256(), hashtextextended()).

/** The PostgreSQL schema (namespace) every ledger table lives in. */
export const LEDGER_SCHEMA = 'cleanslate';
/** Schema version, kept in the schema's comment. */
export const LEDGER_SCHEMA_VERSION = 1;
/** prevHash of a chain's first entry (seq 1): as the local audit log, 64 zeros. */
export const LEDGER_GENESIS_HASH = '0'.repeat(64);

/** Group roles (NOLOGIN): hosts and the control plane log in as their own roles that are members. */
export const LEDGER_ROLES = [
  {
    name: 'cleanslate_writer',
    privileges: ['SELECT', 'INSERT'],
    describe: 'hosts: append audit entries, certificates and their keys; read them back (ship, verify, gate)',
  },
  {
    name: 'cleanslate_reader',
    privileges: ['SELECT'],
    describe: 'control plane and auditors: `ledger status`, `gate --ledger`, `audit verify --ledger`',
  },
] as const;

/** SQLSTATEs the ledger's triggers raise (class "CS", cleanslate's own). */
export const LEDGER_SQLSTATES = {
  /** UPDATE, DELETE or TRUNCATE on a ledger table. */
  appendOnly: 'CSL00',
  /** An audit entry whose prevHash is not the hash of its predecessor (or the genesis hash). */
  chainBroken: 'CSL01',
  /** An audit entry whose predecessor (same host key, seq - 1) is not in the ledger yet. */
  chainGap: 'CSL02',
} as const;

/** The tables, in creation order; every one is append-only. */
export const LEDGER_TABLES = ['keys', 'audit_entries', 'certificates'] as const;
export type LedgerTable = (typeof LEDGER_TABLES)[number];

export interface SchemaStatement {
  id: string;
  describe: string;
  sql: string;
}

const S = LEDGER_SCHEMA;

// key_id = "sha256:" + hex SHA-256 of the SPKI DER inside the PEM, checked by the database itself.
const KEY_ID_OF_PEM = `'sha256:' || encode(sha256(decode(regexp_replace(public_key_pem, '-----[A-Z ]+-----|\\s', '', 'g'), 'base64')), 'hex')`;

const HEX64 = `'^[0-9a-f]{64}$'`;
const KEY_ID = `'^sha256:[0-9a-f]{64}$'`;

// A DO block that creates a group role unless one of that name exists (roles are cluster-wide, so
// two databases' inits may race: duplicate_object is not an error).
function createRoleSql(name: string): string {
  return `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '${name}') THEN
    CREATE ROLE ${name} NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$`;
}

// A DO block that creates a trigger unless the table has one of that name.
function createTriggerSql(table: LedgerTable, name: string, definition: string): string {
  return `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = '${S}.${table}'::regclass AND tgname = '${name}') THEN
    CREATE TRIGGER ${name} ${definition};
  END IF;
END $$`;
}

/** Every statement of `ledger init`, in order. */
export const SCHEMA_STATEMENTS: readonly SchemaStatement[] = [
  { id: 'schema', describe: `the ${S} schema`, sql: `CREATE SCHEMA IF NOT EXISTS ${S}` },
  {
    id: 'schema-version',
    describe: 'schema version in the schema comment',
    sql: `COMMENT ON SCHEMA ${S} IS 'cleanslate fleet ledger, schema version ${LEDGER_SCHEMA_VERSION}'`,
  },
  ...LEDGER_ROLES.map((role) => ({
    id: `role-${role.name}`,
    describe: `group role ${role.name} (${role.privileges.join(', ')})`,
    sql: createRoleSql(role.name),
  })),
  {
    id: 'table-keys',
    describe: 'public keys that signed entries or certificates, registered at first insert',
    sql: `CREATE TABLE IF NOT EXISTS ${S}.keys (
  key_id text PRIMARY KEY CHECK (key_id ~ ${KEY_ID}),
  public_key_pem text NOT NULL,
  host text,
  registered_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT keys_id_is_spki_digest CHECK (key_id = ${KEY_ID_OF_PEM})
)`,
  },
  {
    id: 'table-audit-entries',
    describe: 'audit entries: one hash chain per host key, every field plus the canonical JSON line',
    sql: `CREATE TABLE IF NOT EXISTS ${S}.audit_entries (
  key_id text NOT NULL REFERENCES ${S}.keys (key_id),
  seq bigint NOT NULL CHECK (seq >= 1),
  ts timestamptz NOT NULL,
  type text NOT NULL,
  target text,
  device_id text,
  volume_id text,
  tenant_id text,
  operator text,
  result text,
  details jsonb,
  prev_hash text NOT NULL CHECK (prev_hash ~ ${HEX64}),
  hash text NOT NULL CHECK (hash ~ ${HEX64}),
  sig text NOT NULL,
  entry text NOT NULL,
  host text,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key_id, seq),
  CONSTRAINT audit_entries_entry_matches CHECK (
    (entry::jsonb ->> 'keyId') = key_id AND (entry::jsonb ->> 'seq')::bigint = seq
    AND (entry::jsonb ->> 'prevHash') = prev_hash AND (entry::jsonb ->> 'hash') = hash)
)`,
  },
  {
    id: 'index-audit-entries',
    describe: 'audit entries by hash, volume and device',
    sql: `CREATE INDEX IF NOT EXISTS audit_entries_hash_idx ON ${S}.audit_entries (hash);
CREATE INDEX IF NOT EXISTS audit_entries_volume_idx ON ${S}.audit_entries (volume_id, ts DESC);
CREATE INDEX IF NOT EXISTS audit_entries_device_idx ON ${S}.audit_entries (device_id, ts DESC)`,
  },
  {
    id: 'table-certificates',
    describe: 'certificates: the DSSE envelope plus indexed facts of its predicate',
    sql: `CREATE TABLE IF NOT EXISTS ${S}.certificates (
  certificate_id text PRIMARY KEY,
  volume_id text,
  device_id text NOT NULL,
  tenant text,
  result text NOT NULL,
  issued_at timestamptz NOT NULL,
  key_id text NOT NULL CHECK (key_id ~ ${KEY_ID}),
  host text,
  size_bytes bigint NOT NULL,
  audit_seq bigint,
  audit_entry_hash text,
  envelope jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
)`,
  },
  {
    id: 'index-certificates',
    describe: 'certificates by volume, device, tenant and key',
    sql: `CREATE INDEX IF NOT EXISTS certificates_volume_idx ON ${S}.certificates (volume_id, issued_at DESC);
CREATE INDEX IF NOT EXISTS certificates_device_idx ON ${S}.certificates (device_id, issued_at DESC);
CREATE INDEX IF NOT EXISTS certificates_tenant_idx ON ${S}.certificates (tenant);
CREATE INDEX IF NOT EXISTS certificates_key_idx ON ${S}.certificates (key_id)`,
  },
  {
    id: 'function-reject-change',
    describe: 'trigger function: UPDATE, DELETE and TRUNCATE are errors',
    sql: `CREATE OR REPLACE FUNCTION ${S}.reject_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  RAISE EXCEPTION 'the cleanslate ledger is append-only: % on %.% is not allowed', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = '${LEDGER_SQLSTATES.appendOnly}', HINT = 'records are never changed or removed; append a new one';
END $$`,
  },
  {
    id: 'function-check-audit-chain',
    describe: "trigger function: an entry's prevHash must be its host's previous hash (or genesis)",
    sql: `CREATE OR REPLACE FUNCTION ${S}.check_audit_chain() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
  previous text;
BEGIN
  -- one inserter per host chain at a time: the check below and the insert are atomic per key
  PERFORM pg_advisory_xact_lock(hashtextextended('${S}.audit_entries ' || NEW.key_id, 0));
  IF NEW.seq = 1 THEN
    previous := '${LEDGER_GENESIS_HASH}';
  ELSE
    SELECT e.hash INTO previous FROM ${S}.audit_entries e WHERE e.key_id = NEW.key_id AND e.seq = NEW.seq - 1;
    IF NOT FOUND THEN
      -- the first entry of a key after seq 1 continues a log whose earlier entries another key
      -- signed (the host key was replaced): its prevHash must be an entry at seq - 1 of another key
      -- that no other key has continued already
      IF EXISTS (SELECT 1 FROM ${S}.audit_entries e WHERE e.key_id = NEW.key_id AND e.seq < NEW.seq)
         OR NOT EXISTS (SELECT 1 FROM ${S}.audit_entries e
                        WHERE e.seq = NEW.seq - 1 AND e.hash = NEW.prev_hash AND e.key_id <> NEW.key_id) THEN
        RAISE EXCEPTION 'audit entry seq % of % does not follow the ledger: its predecessor (seq %) is not in the ledger', NEW.seq, NEW.key_id, NEW.seq - 1
          USING ERRCODE = '${LEDGER_SQLSTATES.chainGap}', HINT = 'send the host''s earlier entries first (cleanslate audit ship)';
      END IF;
      IF EXISTS (SELECT 1 FROM ${S}.audit_entries e WHERE e.seq = NEW.seq AND e.prev_hash = NEW.prev_hash AND e.key_id <> NEW.key_id) THEN
        RAISE EXCEPTION 'audit entry seq % of % forks a chain: another entry already follows %', NEW.seq, NEW.key_id, NEW.prev_hash
          USING ERRCODE = '${LEDGER_SQLSTATES.chainBroken}';
      END IF;
      previous := NEW.prev_hash;
    END IF;
  END IF;
  IF NEW.prev_hash IS DISTINCT FROM previous THEN
    RAISE EXCEPTION 'audit entry seq % of % does not chain: prevHash % is not the hash % of the entry before it', NEW.seq, NEW.key_id, NEW.prev_hash, previous
      USING ERRCODE = '${LEDGER_SQLSTATES.chainBroken}';
  END IF;
  RETURN NEW;
END $$`,
  },
  ...LEDGER_TABLES.flatMap((table) => [
    {
      id: `trigger-${table}-no-update-delete`,
      describe: `${table}: UPDATE and DELETE rejected (row trigger)`,
      sql: createTriggerSql(
        table,
        `${table}_no_update_delete`,
        `BEFORE UPDATE OR DELETE ON ${S}.${table} FOR EACH ROW EXECUTE FUNCTION ${S}.reject_change()`,
      ),
    },
    {
      id: `trigger-${table}-no-truncate`,
      describe: `${table}: TRUNCATE rejected (statement trigger)`,
      sql: createTriggerSql(
        table,
        `${table}_no_truncate`,
        `BEFORE TRUNCATE ON ${S}.${table} FOR EACH STATEMENT EXECUTE FUNCTION ${S}.reject_change()`,
      ),
    },
  ]),
  {
    id: 'trigger-audit-entries-chain',
    describe: 'audit_entries: prevHash checked before each insert (row trigger)',
    sql: createTriggerSql(
      'audit_entries',
      'audit_entries_chain',
      `BEFORE INSERT ON ${S}.audit_entries FOR EACH ROW EXECUTE FUNCTION ${S}.check_audit_chain()`,
    ),
  },
  {
    id: 'grants',
    describe: 'privileges: writer SELECT + INSERT, reader SELECT, nothing else for anyone but the owner',
    sql: [
      `REVOKE ALL ON SCHEMA ${S} FROM PUBLIC`,
      `REVOKE ALL ON ${LEDGER_TABLES.map((t) => `${S}.${t}`).join(', ')} FROM PUBLIC`,
      ...LEDGER_ROLES.flatMap((role) => [
        `GRANT USAGE ON SCHEMA ${S} TO ${role.name}`,
        `REVOKE ALL ON ${LEDGER_TABLES.map((t) => `${S}.${t}`).join(', ')} FROM ${role.name}`,
        `GRANT ${role.privileges.join(', ')} ON ${LEDGER_TABLES.map((t) => `${S}.${t}`).join(', ')} TO ${role.name}`,
      ]),
    ].join(';\n'),
  },
];
