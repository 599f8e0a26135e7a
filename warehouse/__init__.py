"""DuckDB warehouse: every SQL statement and every connection lives here.

- `database`: `Warehouse(path)`, short-lived connections, lock retries -> `WarehouseBusy`.
- `migrations` (+ `migrations/NNNN_name.sql`): ordered schema changes recorded in `schema_migrations`.
- `ledger`: `plan_files`, `load_batch`, `record_quarantine_path`: which files to extract, where each ended.
- `documents`: the `Communique` record as rows of `documents` and its child tables, both ways.
- `runs`: `start_run`, `finish_run`.
- `read`: `read_documents`, `status`, `list_quarantine` (read-only; never create the file).
- `rows`: bulk inserts/upserts with parameters, dict fetches, UTC times.

Writing entry points migrate the warehouse lazily (a cheap version check when it is current),
so callers never have to; `Warehouse.migrate()` exists for a CLI that wants to do it up front.
Nothing connects at import time.
"""
