"""Command-line entry point and settings of the communiqués ingestion pipeline."""
