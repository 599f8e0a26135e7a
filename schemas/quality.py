"""The quality gate: per-document metrics validated as one batch by Great Expectations.

The checks are declared once, as data, in `CHECKS`: each names the metric column it reads
(a key of `document_metrics`), the GX expectation class and the keyword arguments built from
`QualityRules`, its `Severity` and the sentences that explain a pass or a failure. The GX
suite is built from that list (`build_suite`), and `validate` reads GX's unexpected rows back
into one `CheckResult` per check per document.

A critical failure quarantines the document; a warning loads it with the warning recorded.

Great Expectations is imported lazily, on the first `build_suite`/`validate` call, so that
importing `QualityRules` (the settings object does) does not cost the ~2.5 s GX import. Each
`validate` call builds its own ephemeral, in-memory GX context: no YAML, no project folder, no
`uncommitted/`, no analytics, no progress bars. The context is deliberately not cached: it costs
~8 ms against ~45 ms for the validation itself, while a shared one would keep the last batch and
a metric cache keyed by the asset's constant batch id between calls. GX runs under a module lock
because `gx.get_context` swaps a process-wide "current context".
"""

from __future__ import annotations

import logging
import math
import os
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schemas.records import CheckResult, Communique, Quality, QualityStatus, Severity

if TYPE_CHECKING:
    from collections.abc import Callable

    import great_expectations as gx
    from great_expectations.core.batch_definition import BatchDefinition

# GX must never report usage. Set before any import of great_expectations from this module;
# the context is also built with `analytics_enabled=False`.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

SUITE_NAME = "communique_quality"
GX_LOGGER = "great_expectations"


class QualityRules(BaseModel):
    """Thresholds of the quality gate (embedded in the settings as `quality`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_chars: int = Field(default=200, ge=0, description="fewer non-blank characters: quarantine")
    min_paragraphs: int = Field(default=1, ge=0, description="fewer body paragraphs: quarantine")
    allowed_languages: tuple[str, ...] = Field(
        default=("en", "ru", "zh", "es", "fr"),
        min_length=1,
        description="ISO 639-1 codes; any other language (or 'und') quarantines",
    )
    min_language_confidence: float = Field(
        default=0.80, ge=0.0, le=1.0, description="lower detector confidence: warning"
    )
    max_nonletter_share: float = Field(
        default=0.35, ge=0.0, le=1.0, description="larger share of non-letter characters: warning"
    )

    @field_validator("allowed_languages", mode="after")
    @classmethod
    def _normalise_languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        """Primary subtags, lower-cased, without repeats: ("EN", "zh-CN") -> ("en", "zh")."""
        codes = tuple(dict.fromkeys(primary_language(code) for code in value))
        if not all(codes):
            raise ValueError("language codes must not be blank")
        return codes


def primary_language(code: str) -> str:
    """The primary subtag of a language tag, lower-cased: "zh-CN" -> "zh", " EN " -> "en"."""
    return code.strip().replace("_", "-").split("-", 1)[0].lower()


# ---------------------------------------------------------------- metrics


def document_metrics(doc: Communique) -> dict[str, Any]:
    """One row of the metrics table: what the checks look at, computed from a document.

    `text_chars` counts non-blank characters; `nonletter_share` is the share of non-blank
    characters that are not letters (Unicode L* or combining marks M*), 1.0 for a text with
    no non-blank characters. `language` is the primary subtag ("zh-cn" -> "zh"). A non-finite
    language confidence counts as 0.0: GX column-map expectations skip nulls and NaN, so a
    NaN here would otherwise pass `language_confident` unseen.
    """
    nonblank, letters = _char_counts(doc.text)
    confidence = doc.language_confidence if math.isfinite(doc.language_confidence) else 0.0
    return {
        "doc_id": doc.doc_id,
        "text_chars": nonblank,
        "paragraph_count": len(doc.paragraphs),
        "language": primary_language(doc.language),
        "language_confidence": float(confidence),
        "issued_date": doc.issued_date.isoformat() if doc.issued_date is not None else None,
        "nonletter_share": (nonblank - letters) / nonblank if nonblank else 1.0,
    }


def _char_counts(text: str) -> tuple[int, int]:
    """(non-blank characters, letters among them)."""
    nonblank = letters = 0
    for ch in text:
        if ch.isspace():
            continue
        nonblank += 1
        if ch.isalpha() or unicodedata.category(ch)[0] == "M":
            letters += 1
    return nonblank, letters


# ---------------------------------------------------------------- the checks, declared once


@dataclass(frozen=True)
class CheckSpec:
    """One quality check: the metric it reads, the GX expectation that tests it, how to explain it.

    `expectation` names a class of `great_expectations.expectations`; `kwargs` builds its
    arguments (besides `column`) from the rules. `passed`/`failed` are `str.format` templates
    over `value` (the document's metric) and the rule fields (sequences joined by ", ").
    """

    name: str
    severity: Severity
    column: str
    expectation: str
    kwargs: Callable[[QualityRules], dict[str, Any]]
    passed: str
    failed: str

    def detail(self, *, ok: bool, value: Any, rules: QualityRules) -> str:
        """The human-readable sentence for this check's outcome on one document."""
        fields = {
            key: ", ".join(val) if isinstance(val, tuple) else val for key, val in rules.model_dump().items()
        }
        return (self.passed if ok else self.failed).format(value=value, **fields)


CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec(
        name="text_not_empty",
        severity=Severity.CRITICAL,
        column="text_chars",
        expectation="ExpectColumnValuesToBeBetween",
        kwargs=lambda rules: {"min_value": rules.min_chars},
        passed="text has {value} non-blank characters (minimum {min_chars})",
        failed="text has {value} non-blank characters, fewer than {min_chars}",
    ),
    CheckSpec(
        name="has_paragraphs",
        severity=Severity.CRITICAL,
        column="paragraph_count",
        expectation="ExpectColumnValuesToBeBetween",
        kwargs=lambda rules: {"min_value": rules.min_paragraphs},
        passed="{value} body paragraph(s) (minimum {min_paragraphs})",
        failed="{value} body paragraph(s), fewer than {min_paragraphs}",
    ),
    CheckSpec(
        name="language_allowed",
        severity=Severity.CRITICAL,
        column="language",
        expectation="ExpectColumnValuesToBeInSet",
        kwargs=lambda rules: {"value_set": list(rules.allowed_languages)},
        passed="language '{value}' is one of {allowed_languages}",
        failed="language '{value}' not in {allowed_languages}",
    ),
    CheckSpec(
        name="has_issued_date",
        severity=Severity.WARNING,
        column="issued_date",
        expectation="ExpectColumnValuesToNotBeNull",
        kwargs=lambda rules: {},
        passed="issued on {value}",
        failed="no issue date found",
    ),
    CheckSpec(
        name="language_confident",
        severity=Severity.WARNING,
        column="language_confidence",
        expectation="ExpectColumnValuesToBeBetween",
        kwargs=lambda rules: {"min_value": rules.min_language_confidence},
        passed="language confidence {value:.2f} (minimum {min_language_confidence:.2f})",
        failed="language confidence {value:.2f}, below {min_language_confidence:.2f}",
    ),
    CheckSpec(
        name="mostly_letters",
        severity=Severity.WARNING,
        column="nonletter_share",
        expectation="ExpectColumnValuesToBeBetween",
        kwargs=lambda rules: {"max_value": rules.max_nonletter_share},
        passed="{value:.1%} of non-blank characters are not letters (maximum {max_nonletter_share:.1%})",
        failed="{value:.1%} of non-blank characters are not letters, more than {max_nonletter_share:.1%}",
    ),
)


# ---------------------------------------------------------------- GX


def build_suite(rules: QualityRules) -> gx.ExpectationSuite:
    """The GX expectation suite for these rules: one expectation per check, in `CHECKS` order.

    Each expectation carries its check name in `meta["check"]` and the check's severity as its
    GX severity, so results are read back by name, not by position.
    """
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.expectations.metadata_types import FailureSeverity

    expectations = [
        getattr(gxe, spec.expectation)(
            column=spec.column,
            **spec.kwargs(rules),
            meta={"check": spec.name},
            severity=FailureSeverity(spec.severity.value),
        )
        for spec in CHECKS
    ]
    return gx.ExpectationSuite(name=SUITE_NAME, expectations=expectations)


_GX_LOCK = threading.Lock()


def _new_batch_definition() -> BatchDefinition:
    """A fresh ephemeral GX context's whole-dataframe batch definition; call with `_GX_LOCK` held.

    In memory only (no docs site, no files), analytics off, progress bars off, and GX's
    loggers raised to WARNING.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    logging.getLogger(GX_LOGGER).setLevel(logging.WARNING)
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    asset = context.data_sources.add_pandas(name="quality").add_dataframe_asset(name="documents")
    return asset.add_batch_definition_whole_dataframe(name="all_documents")


def _run_suite(rows: list[dict[str, Any]], rules: QualityRules) -> dict[str, set[str]]:
    """Validate the metric rows as one GX batch; the doc_ids each check failed, by check name."""
    import pandas as pd

    frame = pd.DataFrame.from_records(rows, columns=list(rows[0]))
    suite = build_suite(rules)
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": ["doc_id"]}
    with _GX_LOCK:
        batch = _new_batch_definition().get_batch(batch_parameters={"dataframe": frame})
        outcome = batch.validate(suite, result_format=result_format)

    failed: dict[str, set[str]] = {}
    for result in outcome.results:
        name = (result.expectation_config.meta or {}).get("check") if result.expectation_config else None
        if name is None or name in failed:
            raise RuntimeError(f"GX returned an unknown or repeated expectation result: {name!r}")
        info = result.exception_info or {}
        if info.get("raised_exception"):
            raise RuntimeError(f"GX could not evaluate check {name}: {info.get('exception_message')}")
        unexpected = result.result.get("unexpected_index_list") or []
        failed[name] = {str(row["doc_id"]) for row in unexpected}
        if bool(result.success) == bool(failed[name]):
            raise RuntimeError(f"GX result for check {name} is inconsistent: success={result.success}")
    missing = {spec.name for spec in CHECKS} - failed.keys()
    if missing:
        raise RuntimeError(f"GX returned no result for checks {sorted(missing)}")
    return failed


# The metrics of a made-up document that passes every check (what `prepare` validates).
PREPARE_ROW: Mapping[str, Any] = {
    "doc_id": "prepare",
    "text_chars": 1000,
    "paragraph_count": 5,
    "language": "en",
    "language_confidence": 0.99,
    "issued_date": "2024-01-01",
    "nonletter_share": 0.2,
}


def prepare(rules: QualityRules) -> None:
    """Pay Great Expectations' one-time costs now (import, expectation registry: ~4 s on the
    first validation of a process) by validating one made-up document's metrics.

    The ingest flow calls it at its start, beside extraction, so the first batch's gate is quick.
    """
    _run_suite([dict(PREPARE_ROW)], rules)


# ---------------------------------------------------------------- the gate


def validate(documents: Sequence[Communique], rules: QualityRules) -> dict[str, Quality]:
    """Run the quality gate on a batch of documents, in one GX validation; verdicts by doc_id.

    Every document gets a `CheckResult` for every check in `CHECKS` (passed or not), a status
    (quarantine if a critical check failed, warn if a warning check failed, else pass) and the
    names of its failed checks. An empty batch returns {} without touching GX. A doc_id seen
    twice is validated once if both documents have the same metrics; otherwise ValueError.
    """
    metrics: dict[str, dict[str, Any]] = {}
    for doc in documents:
        row = document_metrics(doc)
        seen = metrics.setdefault(doc.doc_id, row)
        if seen != row:
            raise ValueError(f"doc_id {doc.doc_id} appears twice in the batch with different content")
    if not metrics:
        return {}

    failed = _run_suite(list(metrics.values()), rules)
    return {doc_id: _verdict(row, failed, rules) for doc_id, row in metrics.items()}


def _verdict(row: Mapping[str, Any], failed: Mapping[str, set[str]], rules: QualityRules) -> Quality:
    """The `Quality` of one document from its metrics and the doc_ids each check failed."""
    results = []
    for spec in CHECKS:
        ok = row["doc_id"] not in failed[spec.name]
        detail = spec.detail(ok=ok, value=row[spec.column], rules=rules)
        results.append(CheckResult(check=spec.name, severity=spec.severity, passed=ok, detail=detail))
    failures = [r for r in results if not r.passed]
    if any(r.severity is Severity.CRITICAL for r in failures):
        status = QualityStatus.QUARANTINE
    elif failures:
        status = QualityStatus.WARN
    else:
        status = QualityStatus.PASS
    return Quality(status=status, failed_checks=[r.check for r in failures], results=results)
