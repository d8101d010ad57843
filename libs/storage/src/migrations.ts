/**
 * Forward-only, versioned schema changes. A migration, once released, is never
 * edited: its checksum is stored, and a changed one stops the start. New work
 * adds a new version.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'journal',
    sql: `
      CREATE TABLE journal_entries (
        seq        INTEGER PRIMARY KEY,
        time_ms    INTEGER NOT NULL,
        type       TEXT    NOT NULL,
        category   TEXT    NOT NULL,
        source     TEXT    NOT NULL,
        entry_json TEXT    NOT NULL,
        leaf_hash  BLOB    NOT NULL
      ) STRICT;
      CREATE INDEX journal_entries_time ON journal_entries (time_ms, seq);
      CREATE INDEX journal_entries_type ON journal_entries (type, seq);
      CREATE INDEX journal_entries_category ON journal_entries (category, seq);

      -- One row per subject reference, so "everything about person X" is an index range.
      CREATE TABLE journal_subjects (
        kind TEXT    NOT NULL,
        ref  TEXT    NOT NULL,
        seq  INTEGER NOT NULL,
        PRIMARY KEY (kind, ref, seq)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE journal_checkpoints (
        id         INTEGER PRIMARY KEY,
        tree_size  INTEGER NOT NULL UNIQUE,
        body_json  TEXT    NOT NULL,
        hash       BLOB    NOT NULL,
        signature  BLOB    NOT NULL,
        key_id     TEXT    NOT NULL
      ) STRICT;

      -- The right edge of the Merkle tree after the last commit. Any process that
      -- appends (gateway, CLI) reads it inside its write transaction.
      CREATE TABLE journal_state (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        tree_size INTEGER NOT NULL,
        frontier  TEXT    NOT NULL
      ) STRICT;
      INSERT INTO journal_state (id, tree_size, frontier) VALUES (1, 0, '[]');
    `,
  },
  {
    version: 2,
    name: 'operators-sessions-tokens',
    sql: `
      CREATE TABLE operators (
        id               TEXT PRIMARY KEY,
        username         TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name     TEXT NOT NULL,
        roles            TEXT NOT NULL,
        password_hash    TEXT NOT NULL,
        password_changed_at INTEGER NOT NULL,
        must_change_password INTEGER NOT NULL DEFAULT 0,
        totp_secret      TEXT,
        totp_last_step   INTEGER,
        recovery_codes   TEXT NOT NULL DEFAULT '[]',
        disabled         INTEGER NOT NULL DEFAULT 0,
        failed_count     INTEGER NOT NULL DEFAULT 0,
        failed_window_start INTEGER,
        locked_until     INTEGER,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sessions (
        id_hash       BLOB PRIMARY KEY,
        operator_id   TEXT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
        stage         TEXT NOT NULL,
        csrf_token    TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        last_seen_at  INTEGER NOT NULL,
        expires_at    INTEGER NOT NULL,
        address       TEXT NOT NULL,
        user_agent    TEXT NOT NULL,
        pending_totp_secret TEXT
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX sessions_operator ON sessions (operator_id);

      CREATE TABLE api_tokens (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        secret_hash  BLOB NOT NULL,
        roles        TEXT NOT NULL,
        created_by   TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        revoked_at   INTEGER,
        last_used_at INTEGER
      ) STRICT;

      CREATE TABLE address_failures (
        address      TEXT PRIMARY KEY,
        count        INTEGER NOT NULL,
        window_start INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE bootstrap_tokens (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        token_hash  BLOB NOT NULL,
        expires_at  INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: 'access',
    sql: `
      -- Records are JSON documents; the columns a lookup or a uniqueness rule needs
      -- are generated from them and indexed.
      CREATE TABLE access_zones (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;
      CREATE TABLE access_doors (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;
      CREATE TABLE access_schedules (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;
      CREATE TABLE access_holidays (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;
      CREATE TABLE access_levels (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;
      CREATE TABLE access_groups (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;
      CREATE TABLE cardholders (
        id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        name TEXT GENERATED ALWAYS AS (json_extract(data, '$.name')) VIRTUAL,
        employee_number TEXT GENERATED ALWAYS AS (json_extract(data, '$.employeeNumber')) VIRTUAL
      ) STRICT;
      CREATE UNIQUE INDEX cardholders_employee_number ON cardholders (employee_number) WHERE employee_number IS NOT NULL;
      CREATE INDEX cardholders_name ON cardholders (name COLLATE NOCASE);
      CREATE TABLE credentials (
        id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        pin_hash TEXT,
        duress_pin_hash TEXT,
        cardholder_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.cardholderId')) VIRTUAL,
        format TEXT GENERATED ALWAYS AS (json_extract(data, '$.format')) VIRTUAL,
        number TEXT GENERATED ALWAYS AS (json_extract(data, '$.number')) VIRTUAL
      ) STRICT;
      CREATE UNIQUE INDEX credentials_number ON credentials (format, number);
      CREATE INDEX credentials_cardholder ON credentials (cardholder_id);
      CREATE TABLE cardholder_photos (cardholder_id TEXT PRIMARY KEY, content_type TEXT NOT NULL, data BLOB NOT NULL) STRICT;
      -- Run-time state that must survive a restart: a guard's lockdown or manual
      -- unlock, and where each person is believed to be.
      CREATE TABLE door_overrides (door_id TEXT PRIMARY KEY, mode TEXT NOT NULL, until_ms INTEGER, set_by TEXT NOT NULL, reason TEXT NOT NULL, set_at INTEGER NOT NULL) STRICT;
      CREATE TABLE presence (cardholder_id TEXT PRIMARY KEY, zone TEXT NOT NULL, at_ms INTEGER NOT NULL, door_id TEXT NOT NULL) STRICT;
    `,
  },
  {
    version: 4,
    name: 'alarms',
    sql: `
      CREATE TABLE alarms (
        id TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        state TEXT GENERATED ALWAYS AS (json_extract(data, '$.state')) VIRTUAL,
        dedupe_key TEXT GENERATED ALWAYS AS (json_extract(data, '$.key')) VIRTUAL,
        raised_at INTEGER GENERATED ALWAYS AS (json_extract(data, '$.raisedAt')) VIRTUAL
      ) STRICT;
      CREATE INDEX alarms_open ON alarms (state, raised_at);
      CREATE INDEX alarms_key ON alarms (dedupe_key, state);
    `,
  },
  {
    version: 5,
    name: 'reader keys',
    sql: `
      -- OSDP secure channel keys the gateway made for its readers, sealed with the
      -- gateway's secret box (AES-256-GCM, key outside the database).
      CREATE TABLE reader_keys (
        reader_id    TEXT PRIMARY KEY,
        sealed       TEXT NOT NULL,
        installed    INTEGER NOT NULL DEFAULT 0,
        created_at   INTEGER NOT NULL,
        installed_at INTEGER,
        -- While a rotation is under way: the key in force; sealed holds the new one.
        previous_sealed TEXT
      ) STRICT;
    `,
  },
  {
    version: 6,
    name: 'notification outbox',
    sql: `
      -- Alarm notifications waiting for their receiver: written in the transaction
      -- of the alarm change they announce, deleted once the receiver took them,
      -- kept as given-up (and journaled) when the retry horizon ran out.
      CREATE TABLE notification_outbox (
        -- AUTOINCREMENT: a seq is never reused after deletes, so "after seq N" stays exact.
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id TEXT    NOT NULL UNIQUE,
        target      TEXT    NOT NULL,
        alarm_id    TEXT    NOT NULL,
        change      TEXT    NOT NULL,
        document    TEXT    NOT NULL,
        created_at  INTEGER NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT,
        given_up_at INTEGER
      ) STRICT;
      CREATE INDEX notification_outbox_pending ON notification_outbox (target, given_up_at, seq);
    `,
  },
  {
    version: 7,
    name: 'privacy keys',
    sql: `
      -- The master key never enters the database: only a check value of each
      -- version, so a wrong key is refused before anything is read or written.
      -- 'next' is the target of a master key rotation under way.
      CREATE TABLE privacy_master_keys (
        version     INTEGER PRIMARY KEY,
        check_value BLOB    NOT NULL UNIQUE,
        state       TEXT    NOT NULL CHECK (state IN ('current', 'next', 'retired')),
        created_at  INTEGER NOT NULL,
        retired_at  INTEGER
      ) STRICT;
      -- Site-wide keys (the blind index's), wrapped by the master key.
      CREATE TABLE privacy_site_keys (
        purpose     TEXT    PRIMARY KEY,
        wrapped     BLOB    NOT NULL,
        key_version INTEGER NOT NULL
      ) STRICT;
      -- One data key per person, wrapped by the master key version it names.
      -- Deleting the row is the erasure: what the key sealed can no longer be read.
      CREATE TABLE privacy_person_keys (
        person_id   TEXT    PRIMARY KEY,
        wrapped     BLOB    NOT NULL,
        key_version INTEGER NOT NULL,
        created_at  INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX privacy_person_keys_version ON privacy_person_keys (key_version);
      -- Who was erased and when (no personal data): tells "erased" from "never known".
      CREATE TABLE privacy_erasures (
        person_id TEXT    PRIMARY KEY,
        erased_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      -- Keyed HMACs of normalised name tokens and card numbers: search without clear text.
      CREATE TABLE privacy_blind_index (
        kind      TEXT NOT NULL,
        digest    BLOB NOT NULL,
        person_id TEXT NOT NULL,
        PRIMARY KEY (kind, digest, person_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX privacy_blind_index_person ON privacy_blind_index (person_id);
    `,
  },
  {
    version: 8,
    name: 'cardholders sealed at rest',
    sql: `
      -- Deleted content is overwritten from here on in this connection: the
      -- indexes dropped below held names and employee numbers in clear.
      PRAGMA secure_delete = ON;
      -- A cardholder's personal fields (name, employee number, department,
      -- directory account) move out of 'data' into 'sealed', one AES-256-GCM
      -- envelope under the person's data key; 'data' keeps the fields decisions
      -- need (state, levels, flags). Uniqueness of the employee number holds on
      -- its keyed HMAC. Rows written before stay as they are until the gateway,
      -- which holds the keys, seals them at its next start (a row is still
      -- clear while its 'data' has a name).
      DROP INDEX cardholders_employee_number;
      DROP INDEX cardholders_name;
      ALTER TABLE cardholders DROP COLUMN name;
      ALTER TABLE cardholders DROP COLUMN employee_number;
      ALTER TABLE cardholders ADD COLUMN sealed TEXT;
      ALTER TABLE cardholders ADD COLUMN employee_number_mac BLOB;
      CREATE UNIQUE INDEX cardholders_employee_number_mac ON cardholders (employee_number_mac)
        WHERE employee_number_mac IS NOT NULL;
      -- A photo is sealed like the fields ('data' is then empty); a row with
      -- 'sealed' NULL is a photo stored before, sealed at the next start.
      ALTER TABLE cardholder_photos ADD COLUMN sealed TEXT;
      -- Work the gateway owes after a migration, done at its next start. Sealing
      -- rewrites rows, and SQLite leaves old cell bytes in the gaps of pages it
      -- rebalances: once the rows are sealed, the file is rewritten (VACUUM).
      CREATE TABLE upgrade_tasks (task TEXT PRIMARY KEY, since TEXT NOT NULL) STRICT;
      INSERT INTO upgrade_tasks (task, since)
        SELECT 'vacuum-after-sealing', datetime('now')
        WHERE EXISTS (SELECT 1 FROM cardholders) OR EXISTS (SELECT 1 FROM cardholder_photos);
      PRAGMA secure_delete = OFF;
    `,
  },
  {
    version: 9,
    name: 'directory links',
    sql: `
      -- The cardholders the directory sync last found in the directory (ids only:
      -- no account or DN in clear). One linked before and missing from a complete
      -- answer is a leaver; one never linked (a local account) is never suspended.
      CREATE TABLE directory_links (
        cardholder_id TEXT    PRIMARY KEY,
        linked_at     INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      `,
  },
  {
    version: 10,
    name: 'journal epochs',
    sql: `
      -- A journal is a sequence of epochs, each its own RFC 6962 tree over a
      -- run of consecutive sequence numbers (leaf index = seq - first_seq). An
      -- epoch after the first begins with a journal.epoch-started entry that
      -- commits to the last signed checkpoint of the one before (issue 12).
      -- 'retired_at' is set once the epoch's entry bodies were removed: its
      -- leaf hashes stay in journal_retired_leaves, so its checkpoints verify.
      CREATE TABLE journal_epochs (
        epoch      INTEGER PRIMARY KEY,
        first_seq  INTEGER NOT NULL UNIQUE,
        started_at INTEGER NOT NULL,
        retired_at INTEGER
      ) STRICT;
      INSERT INTO journal_epochs (epoch, first_seq, started_at) VALUES (1, 1, 0);
      ALTER TABLE journal_state ADD COLUMN epoch INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE journal_state ADD COLUMN first_seq INTEGER NOT NULL DEFAULT 1;

      -- Checkpoints name their epoch; a tree size is unique within one epoch.
      CREATE TABLE journal_checkpoints_by_epoch (
        id         INTEGER PRIMARY KEY,
        epoch      INTEGER NOT NULL DEFAULT 1,
        tree_size  INTEGER NOT NULL,
        body_json  TEXT    NOT NULL,
        hash       BLOB    NOT NULL,
        signature  BLOB    NOT NULL,
        key_id     TEXT    NOT NULL,
        UNIQUE (epoch, tree_size)
      ) STRICT;
      INSERT INTO journal_checkpoints_by_epoch (id, epoch, tree_size, body_json, hash, signature, key_id)
        SELECT id, 1, tree_size, body_json, hash, signature, key_id FROM journal_checkpoints;
      DROP TABLE journal_checkpoints;
      ALTER TABLE journal_checkpoints_by_epoch RENAME TO journal_checkpoints;

      -- The leaves of retired entries: the hash each entry had, without the entry.
      CREATE TABLE journal_retired_leaves (
        seq       INTEGER PRIMARY KEY,
        leaf_hash BLOB    NOT NULL
      ) STRICT;

      -- A journal written before personal values were sealed holds them in
      -- clear: the gateway's next start begins a new epoch (see Journal.open).
      CREATE TABLE IF NOT EXISTS upgrade_tasks (task TEXT PRIMARY KEY, since TEXT NOT NULL) STRICT;
      INSERT INTO upgrade_tasks (task, since)
        SELECT 'journal-epoch-after-sealing', datetime('now')
        WHERE EXISTS (SELECT 1 FROM journal_entries);
    `,
  },
  {
    version: 11,
    name: 'workstation places',
    sql: `
      -- Workstations the facility manager placed in a zone, or marked remote (a
      -- jump host, a VPN gateway), from the console: beside the site file's
      -- logins.workstations, and before it for the same host. Host names and
      -- addresses only, no person; each change is journaled (workstation.*).
      CREATE TABLE workstation_places (
        host   TEXT    PRIMARY KEY,
        zone   TEXT,
        remote INTEGER NOT NULL,
        set_by TEXT    NOT NULL,
        set_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
];
