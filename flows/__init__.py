"""Prefect flows: orchestration only; the logic lives in extractors/, schemas/ and warehouse/."""
