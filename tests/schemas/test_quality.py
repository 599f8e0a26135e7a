"""The quality gate: metrics, checks declared once, GX verdicts mapped back to the right documents."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import math
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from schemas import quality
from schemas.quality import CHECKS, QualityRules, build_suite, document_metrics, validate
from schemas.records import Communique, DocType, Paragraph, Quality, QualityStatus, Severity

PROJECT = Path(__file__).resolve().parents[2]
RULES = QualityRules()
BODY = (
    "The ministers of foreign affairs discussed cooperation in the region and adopted "
    "a joint statement on security, trade and culture. They agreed to meet again next year "
    "and welcomed the progress made since the last meeting of the council, in Moscow."
)
BODY_CHARS = len("".join(BODY.split()))


def make_doc(doc_id: str = "doc-a", **overrides: Any) -> Communique:
    """A document that passes every check unless `overrides` says otherwise."""
    text = overrides.pop("text", BODY)
    paragraphs = overrides.pop("paragraphs", 1)
    fields: dict[str, Any] = {
        "doc_id": doc_id,
        "content_hash": f"hash-{doc_id}",
        "source_file": f"{doc_id}.txt",
        "source_format": "text",
        "pages": 1,
        "doc_type": DocType.STATEMENT,
        "title": None,
        "issuing_body": None,
        "issued_date": dt.date(2009, 5, 15),
        "issued_place": None,
        "issued_country": None,
        "language": "en",
        "language_confidence": 0.99,
        "participants": [],
        "countries": [],
        "country_mentions": [],
        "referenced_events": [],
        "instruments": [],
        "topics": [],
        "paragraphs": [
            Paragraph(
                number=n + 1,
                text=text,
                language="en",
                language_confidence=0.99,
                page_start=1,
                page_end=1,
                char_start=0,
                char_end=len(text),
            )
            for n in range(paragraphs)
        ],
        "quality": Quality(status=QualityStatus.PASS),
        "text": text,
        "raw_text": text,
    }
    fields.update(overrides)
    return Communique(**fields)


def result(verdict: Quality, check: str) -> Any:
    """The CheckResult of one check in a verdict."""
    (found,) = [r for r in verdict.results if r.check == check]
    return found


# ---------------------------------------------------------------- rules and metrics


def test_rules_defaults_and_frozen() -> None:
    assert RULES.min_chars == 200
    assert RULES.min_paragraphs == 1
    assert RULES.allowed_languages == ("en", "ru", "zh", "es", "fr")
    assert RULES.min_language_confidence == 0.80
    assert RULES.max_nonletter_share == 0.35
    with pytest.raises(ValidationError):
        RULES.min_chars = 5  # type: ignore[misc]


def test_rules_normalise_languages_and_refuse_nonsense() -> None:
    assert QualityRules(allowed_languages=["EN", "zh-CN", "zh_TW", "en"]).allowed_languages == ("en", "zh")
    bad_inputs: list[dict[str, Any]] = [
        {"allowed_languages": []},
        {"allowed_languages": [" "]},
        {"min_chars": -1},
        {"min_language_confidence": 1.5},
        {"max_nonletter_share": -0.1},
        {"unknown": 1},
    ]
    for bad in bad_inputs:
        with pytest.raises(ValidationError):
            QualityRules.model_validate(bad)


def test_document_metrics() -> None:
    doc = make_doc("doc-m", text="Abc, déf!\n\n 12  ", language="zh-CN", language_confidence=0.5)
    assert document_metrics(doc) == {
        "doc_id": "doc-m",
        "text_chars": 10,  # "Abc," "déf!" "12"
        "paragraph_count": 1,
        "language": "zh",
        "language_confidence": 0.5,
        "issued_date": "2009-05-15",
        "nonletter_share": 0.4,  # "," "!" "1" "2"
    }


def test_document_metrics_edge_cases() -> None:
    blank = document_metrics(make_doc(text=" \n\t ", paragraphs=0, issued_date=None))
    assert (blank["text_chars"], blank["nonletter_share"], blank["paragraph_count"]) == (0, 1.0, 0)
    assert blank["issued_date"] is None
    # Decomposed accents (NFD) are letters, and CJK ideographs are letters.
    assert document_metrics(make_doc(text="e\u0301te\u0301 和平"))["nonletter_share"] == 0.0
    # GX skips NaN in column checks, so NaN confidence must not reach it as NaN.
    assert document_metrics(make_doc(language_confidence=math.nan))["language_confidence"] == 0.0


# ---------------------------------------------------------------- checks declared once


def test_check_names_are_unique_and_severities_as_specified() -> None:
    assert [(c.name, c.severity) for c in CHECKS] == [
        ("text_not_empty", Severity.CRITICAL),
        ("has_paragraphs", Severity.CRITICAL),
        ("language_allowed", Severity.CRITICAL),
        ("has_issued_date", Severity.WARNING),
        ("language_confident", Severity.WARNING),
        ("mostly_letters", Severity.WARNING),
    ]


def test_every_check_reads_a_column_of_document_metrics() -> None:
    columns = document_metrics(make_doc()).keys()
    for spec in CHECKS:
        assert spec.column in columns, spec.name


def test_suite_has_exactly_the_declared_checks() -> None:
    import great_expectations.expectations as gxe

    rules = QualityRules(min_chars=7, allowed_languages=["en", "de"], max_nonletter_share=0.5)
    suite = build_suite(rules)
    assert len(suite.expectations) == len(CHECKS)
    for expectation, spec in zip(suite.expectations, CHECKS, strict=True):
        assert type(expectation) is getattr(gxe, spec.expectation)
        assert expectation.meta == {"check": spec.name}
        assert expectation.severity.value == spec.severity.value
        config = expectation.configuration.kwargs
        assert config["column"] == spec.column
        for key, value in spec.kwargs(rules).items():
            assert config[key] == value, (spec.name, key)
    assert suite.expectations[0].configuration.kwargs["min_value"] == 7


# ---------------------------------------------------------------- verdicts


def test_empty_batch_returns_empty_without_gx(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> None:
        raise AssertionError("GX must not be touched for an empty batch")

    monkeypatch.setattr(quality, "_new_batch_definition", fail)
    assert validate([], RULES) == {}


def test_all_checks_pass() -> None:
    verdict = validate([make_doc()], RULES)["doc-a"]
    assert verdict.status is QualityStatus.PASS
    assert verdict.failed_checks == []
    assert all(r.passed for r in verdict.results)
    assert (
        result(verdict, "text_not_empty").detail
        == f"text has {BODY_CHARS} non-blank characters (minimum 200)"
    )
    assert result(verdict, "has_issued_date").detail == "issued on 2009-05-15"


def test_near_empty_text_is_quarantined_with_detail() -> None:
    verdict = validate([make_doc(text="Too short.")], RULES)["doc-a"]
    assert verdict.status is QualityStatus.QUARANTINE
    assert verdict.failed_checks == ["text_not_empty"]
    assert result(verdict, "text_not_empty").detail == "text has 9 non-blank characters, fewer than 200"


def test_no_paragraphs_is_quarantined() -> None:
    verdict = validate([make_doc(paragraphs=0)], RULES)["doc-a"]
    assert verdict.status is QualityStatus.QUARANTINE
    assert verdict.failed_checks == ["has_paragraphs"]
    assert result(verdict, "has_paragraphs").detail == "0 body paragraph(s), fewer than 1"


@pytest.mark.parametrize("language", ["und", "de"])
def test_language_outside_the_set_is_quarantined(language: str) -> None:
    verdict = validate([make_doc(language=language)], RULES)["doc-a"]
    assert verdict.status is QualityStatus.QUARANTINE
    assert verdict.failed_checks == ["language_allowed"]
    assert result(verdict, "language_allowed").detail == f"language '{language}' not in en, ru, zh, es, fr"


def test_regional_language_tag_counts_as_its_language() -> None:
    assert validate([make_doc(language="zh-cn")], RULES)["doc-a"].status is QualityStatus.PASS


def test_missing_date_warns() -> None:
    verdict = validate([make_doc(issued_date=None)], RULES)["doc-a"]
    assert verdict.status is QualityStatus.WARN
    assert verdict.failed_checks == ["has_issued_date"]
    assert result(verdict, "has_issued_date").detail == "no issue date found"


def test_low_language_confidence_warns() -> None:
    verdict = validate([make_doc(language_confidence=0.42)], RULES)["doc-a"]
    assert verdict.status is QualityStatus.WARN
    assert verdict.failed_checks == ["language_confident"]
    assert result(verdict, "language_confident").detail == "language confidence 0.42, below 0.80"


def test_mostly_symbols_warns() -> None:
    verdict = validate([make_doc(text=BODY + " 1234567890 %%%%% ----- " * 8)], RULES)["doc-a"]
    assert verdict.status is QualityStatus.WARN
    assert verdict.failed_checks == ["mostly_letters"]
    assert (
        "of non-blank characters are not letters, more than 35.0%" in result(verdict, "mostly_letters").detail
    )


def test_critical_failure_wins_over_warnings() -> None:
    verdict = validate([make_doc(language="de", issued_date=None, language_confidence=0.1)], RULES)["doc-a"]
    assert verdict.status is QualityStatus.QUARANTINE
    assert verdict.failed_checks == ["language_allowed", "has_issued_date", "language_confident"]


def test_thresholds_come_from_the_rules_and_are_inclusive() -> None:
    doc = make_doc(text="x" * 10, language_confidence=0.6)
    rules = QualityRules(min_chars=10, min_language_confidence=0.6, allowed_languages=["en"])
    assert validate([doc], rules)["doc-a"].status is QualityStatus.PASS
    stricter = QualityRules(min_chars=11, min_language_confidence=0.6)
    assert validate([doc], stricter)["doc-a"].failed_checks == ["text_not_empty"]


def test_mixed_batch_maps_failures_to_the_right_documents() -> None:
    docs = [
        make_doc("e-pass"),
        make_doc("a-short", text="Tiny."),
        make_doc("d-nodate", issued_date=None),
        make_doc("b-german", language="de", language_confidence=0.3),
        make_doc("c-und", language="und", issued_date=None),
    ]
    verdicts = validate(docs, RULES)
    assert list(verdicts) == [d.doc_id for d in docs]
    assert {k: (v.status, v.failed_checks) for k, v in verdicts.items()} == {
        "e-pass": (QualityStatus.PASS, []),
        "a-short": (QualityStatus.QUARANTINE, ["text_not_empty"]),
        "d-nodate": (QualityStatus.WARN, ["has_issued_date"]),
        "b-german": (QualityStatus.QUARANTINE, ["language_allowed", "language_confident"]),
        "c-und": (QualityStatus.QUARANTINE, ["language_allowed", "has_issued_date"]),
    }
    assert (
        result(verdicts["b-german"], "language_allowed").detail == "language 'de' not in en, ru, zh, es, fr"
    )
    assert result(verdicts["c-und"], "language_allowed").detail == "language 'und' not in en, ru, zh, es, fr"


def test_large_batch_reports_every_failure_not_a_sample() -> None:
    """GX's partial lists stop at 20 rows; COMPLETE must map all of them back."""
    docs = [make_doc(f"doc-{i:03d}", language="de" if i % 3 else "en") for i in range(90)]
    verdicts = validate(docs, RULES)
    quarantined = {k for k, v in verdicts.items() if v.status is QualityStatus.QUARANTINE}
    assert quarantined == {d.doc_id for i, d in enumerate(docs) if i % 3}
    assert len(quarantined) == 60


def test_results_hold_every_check_for_every_document() -> None:
    docs = [make_doc("one"), make_doc("two", text="?"), make_doc("three", issued_date=None)]
    for verdict in validate(docs, RULES).values():
        assert [(r.check, r.severity) for r in verdict.results] == [(c.name, c.severity) for c in CHECKS]
        assert [r.check for r in verdict.results if not r.passed] == verdict.failed_checks
        assert all(r.detail for r in verdict.results)


def test_consecutive_batches_do_not_leak_into_each_other() -> None:
    first = validate([make_doc("x", language="de"), make_doc("y")], RULES)
    second = validate([make_doc("x"), make_doc("y", language="de")], RULES)
    third = validate([make_doc("z")], RULES)
    assert [v.status for v in first.values()] == [QualityStatus.QUARANTINE, QualityStatus.PASS]
    assert [v.status for v in second.values()] == [QualityStatus.PASS, QualityStatus.QUARANTINE]
    assert [v.status for v in third.values()] == [QualityStatus.PASS]


def test_repeated_doc_id() -> None:
    assert list(validate([make_doc("same"), make_doc("same")], RULES)) == ["same"]
    with pytest.raises(ValueError, match="doc_id same appears twice"):
        validate([make_doc("same"), make_doc("same", language="de")], RULES)


LANGUAGES = ["en", "fr", "de", "und", "zh-cn", "RU"]
TEXTS = [BODY, "Short.", BODY + " 2009-05-15 / 10:00 / 42%" * 6, "x" * 200, ""]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(TEXTS),
            st.integers(0, 2),
            st.sampled_from(LANGUAGES),
            st.floats(0.0, 1.0),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_gx_verdicts_match_a_plain_python_reading_of_the_rules(
    specs: list[tuple[str, int, str, float, bool]],
) -> None:
    docs = []
    for i, (text, paragraphs, language, confidence, dated) in enumerate(specs):
        extra = {} if dated else {"issued_date": None}
        docs.append(
            make_doc(
                f"doc-{i}",
                text=text,
                paragraphs=paragraphs,
                language=language,
                language_confidence=confidence,
                **extra,
            )
        )
    verdicts = validate(docs, RULES)
    for doc in docs:
        m = document_metrics(doc)
        expected = [
            name
            for name, ok in [
                ("text_not_empty", m["text_chars"] >= RULES.min_chars),
                ("has_paragraphs", m["paragraph_count"] >= RULES.min_paragraphs),
                ("language_allowed", m["language"] in RULES.allowed_languages),
                ("has_issued_date", m["issued_date"] is not None),
                ("language_confident", m["language_confidence"] >= RULES.min_language_confidence),
                ("mostly_letters", m["nonletter_share"] <= RULES.max_nonletter_share),
            ]
            if not ok
        ]
        assert verdicts[doc.doc_id].failed_checks == expected, doc.doc_id


# ---------------------------------------------------------------- environment: quiet, offline


def test_validation_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    validate([make_doc(f"doc-{i}", language="de" if i % 2 else "en") for i in range(20)], RULES)
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""
    assert logging.getLogger(quality.GX_LOGGER).level == logging.WARNING


def _is_local(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX path
        return True
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def test_no_network_during_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[Any] = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if not _is_local(address):
            attempts.append(address)
            raise OSError("network disabled in this test")
        real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local((host,)):
            attempts.append(host)
            raise OSError("network disabled in this test")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    verdicts = validate([make_doc("a"), make_doc("b", issued_date=None)], RULES)
    assert [v.status for v in verdicts.values()] == [QualityStatus.PASS, QualityStatus.WARN]
    assert attempts == []


_FRESH_PROCESS = """
import ipaddress, json, os, socket, sys
attempts = []
real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo
def local(host):
    try:
        return host == "localhost" or ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False
def connect(self, address):
    if isinstance(address, tuple) and not local(address[0]):
        attempts.append(str(address)); raise OSError("offline")
    return real_connect(self, address)
def getaddrinfo(host, *a, **k):
    if not local(host):
        attempts.append(str(host)); raise OSError("offline")
    return real_getaddrinfo(host, *a, **k)
socket.socket.connect = socket.socket.connect_ex = connect
socket.getaddrinfo = getaddrinfo

from tests.schemas.test_quality import make_doc
from schemas.quality import QualityRules, validate
verdicts = validate([make_doc("a"), make_doc("b", language="de")], QualityRules())
print(json.dumps({"env": os.environ.get("GX_ANALYTICS_ENABLED"), "attempts": attempts,
                  "statuses": [v.status.value for v in verdicts.values()]}))
"""


def test_fresh_process_is_offline_and_quiet() -> None:
    """Import and first validation in a new process: analytics off, no network, one line of output."""
    env = {k: v for k, v in os.environ.items() if k != "GX_ANALYTICS_ENABLED"}
    proc = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert json.loads(proc.stdout) == {"env": "False", "attempts": [], "statuses": ["pass", "quarantine"]}


def test_prepare_validates_a_row_shaped_like_the_metrics_that_passes_every_check() -> None:
    assert quality.PREPARE_ROW.keys() == document_metrics(make_doc()).keys()
    assert quality._run_suite([dict(quality.PREPARE_ROW)], RULES) == {spec.name: set() for spec in CHECKS}
    quality.prepare(RULES)
