"""The deals and ledger tables (migration 3), apart from the deals repository so that opening and
migrating the catalog imports no engine model (the first window is painted before
pydantic is imported). The statuses are the engine's deal statuses, written out here; a test
keeps the two equal (the migration's SQL text never changes once shipped).
"""

from __future__ import annotations

DEAL_STATUSES = ("draft", "screened", "licensed", "shipped", "cancelled")

_DATE = "GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"
_ISO2 = "GLOB '[A-Z][A-Z]'"

# Migration (appended to workbench.store.schema.MIGRATIONS as the next user_version).
DEAL_TABLES: list[str] = [
    f"""CREATE TABLE deals (
  id INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE CHECK (length(reference) > 0),
  deal_date TEXT NOT NULL CHECK (deal_date {_DATE}),
  exporter TEXT NOT NULL,
  consignee_name TEXT NOT NULL,
  consignee_country TEXT NOT NULL CHECK (consignee_country {_ISO2}),
  consignee_hq TEXT CHECK (consignee_hq {_ISO2}),
  consignee_parent_hq TEXT CHECK (consignee_parent_hq {_ISO2}),
  end_user_name TEXT NOT NULL,
  end_user_country TEXT NOT NULL CHECK (end_user_country {_ISO2}),
  end_user_hq TEXT CHECK (end_user_hq {_ISO2}),
  end_user_parent_hq TEXT CHECK (end_user_parent_hq {_ISO2}),
  destination TEXT NOT NULL CHECK (destination {_ISO2}),
  end_use TEXT NOT NULL DEFAULT '',
  authorization TEXT NOT NULL DEFAULT '',
  notified_on TEXT CHECK (notified_on {_DATE}),
  exports_from_us INTEGER NOT NULL DEFAULT 1 CHECK (exports_from_us IN (0, 1)),
  status TEXT NOT NULL CHECK (status IN ({", ".join(f"'{s}'" for s in DEAL_STATUSES)})),
  notes TEXT NOT NULL DEFAULT '',
  revision INTEGER NOT NULL DEFAULT 1,
  created_utc TEXT NOT NULL,
  updated_utc TEXT NOT NULL
) STRICT""",
    """CREATE TABLE deal_lines (
  deal_id INTEGER NOT NULL REFERENCES deals(id) ON UPDATE RESTRICT ON DELETE RESTRICT,
  line_no INTEGER NOT NULL CHECK (line_no > 0),
  part_number TEXT NOT NULL REFERENCES products(part_number) ON UPDATE RESTRICT ON DELETE RESTRICT,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_value_usd TEXT NOT NULL,
  PRIMARY KEY (deal_id, line_no)
) STRICT""",
    "CREATE INDEX deals_by_date ON deals(deal_date)",
    """CREATE TABLE us_shipments (
  part_number TEXT PRIMARY KEY NOT NULL REFERENCES products(part_number) ON UPDATE RESTRICT ON DELETE RESTRICT,
  units INTEGER NOT NULL CHECK (units >= 0),
  source TEXT NOT NULL DEFAULT ''
) STRICT""",
    f"""CREATE TABLE g2g_agreements (
  country TEXT PRIMARY KEY NOT NULL CHECK (country {_ISO2}),
  note TEXT NOT NULL DEFAULT ''
) STRICT""",
]
