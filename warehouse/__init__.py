"""DuckDB warehouse: every SQL statement and every connection lives here."""
