"""The letters tables (migration 2), apart from the letters repository so that opening and
migrating the catalog imports no engine model (the first window is painted before
pydantic is imported). The statuses are the engine's ``Letter`` statuses, written out here; a
test keeps the two equal (the migration's SQL text never changes once shipped).
"""

from __future__ import annotations

LETTER_STATUSES = ("received", "under_review", "response_due", "licence_applied", "granted", "denied", "withdrawn",
                   "closed")

# Migration (appended to workbench.store.schema.MIGRATIONS as the next user_version).
LETTER_TABLES: list[str] = [
    """CREATE TABLE letters (
  ref TEXT PRIMARY KEY NOT NULL CHECK (length(ref) > 0),
  status TEXT NOT NULL CHECK (status IN (""" + ", ".join(f"'{s}'" for s in LETTER_STATUSES) + """)),
  addressee TEXT NOT NULL,
  received TEXT NOT NULL,
  effective TEXT NOT NULL,
  data_json TEXT NOT NULL,  -- the engine's Letter, validated on every read and write
  revision INTEGER NOT NULL DEFAULT 1,
  created_utc TEXT NOT NULL,
  updated_utc TEXT NOT NULL
) STRICT""",
    """CREATE TABLE letter_attachments (
  id INTEGER PRIMARY KEY,
  ref TEXT NOT NULL REFERENCES letters(ref) ON UPDATE RESTRICT ON DELETE RESTRICT,
  file_name TEXT NOT NULL,
  stored_name TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  size INTEGER NOT NULL CHECK (size >= 0),
  original_path TEXT,
  added_utc TEXT NOT NULL,
  UNIQUE (ref, sha256)
) STRICT""",
    "CREATE TABLE letter_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT",
]

# Migration 6: a letter recorded by mistake can be withdrawn from any status ("recorded_in_error").
# The status CHECK is part of the table definition, so both letter tables are rebuilt (attachments
# reference letters); rows are copied unchanged.
LETTER_STATUSES_V6 = (*LETTER_STATUSES, "recorded_in_error")

LETTER_STATUS_REBUILD: list[str] = [
    """CREATE TABLE letters_v6 (
  ref TEXT PRIMARY KEY NOT NULL CHECK (length(ref) > 0),
  status TEXT NOT NULL CHECK (status IN (""" + ", ".join(f"'{s}'" for s in LETTER_STATUSES_V6) + """)),
  addressee TEXT NOT NULL,
  received TEXT NOT NULL,
  effective TEXT NOT NULL,
  data_json TEXT NOT NULL,  -- the engine's Letter, validated on every read and write
  revision INTEGER NOT NULL DEFAULT 1,
  created_utc TEXT NOT NULL,
  updated_utc TEXT NOT NULL
) STRICT""",
    """CREATE TABLE letter_attachments_v6 (
  id INTEGER PRIMARY KEY,
  ref TEXT NOT NULL REFERENCES letters_v6(ref) ON UPDATE RESTRICT ON DELETE RESTRICT,
  file_name TEXT NOT NULL,
  stored_name TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  size INTEGER NOT NULL CHECK (size >= 0),
  original_path TEXT,
  added_utc TEXT NOT NULL,
  UNIQUE (ref, sha256)
) STRICT""",
    """INSERT INTO letters_v6 (ref, status, addressee, received, effective, data_json, revision, created_utc,
  updated_utc) SELECT ref, status, addressee, received, effective, data_json, revision, created_utc, updated_utc
  FROM letters""",
    """INSERT INTO letter_attachments_v6 (id, ref, file_name, stored_name, sha256, size, original_path, added_utc)
  SELECT id, ref, file_name, stored_name, sha256, size, original_path, added_utc FROM letter_attachments""",
    "DROP TABLE letter_attachments",
    "DROP TABLE letters",
    "ALTER TABLE letters_v6 RENAME TO letters",  # also renames letter_attachments_v6's reference
    "ALTER TABLE letter_attachments_v6 RENAME TO letter_attachments",
]
