"""Hostile and broken files made on the spot (nothing large is committed): PDFs built object by object."""

from __future__ import annotations

import zlib
from pathlib import Path

from fpdf import FPDF


def pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF file of these objects (object 1 is the catalog), with a correct cross-reference table."""
    body, offsets = b"%PDF-1.7\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


def _one_page(stream: bytes) -> bytes:
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        ]
    )


def _deflated(block: bytes, repeats: int) -> bytes:
    squeeze = zlib.compressobj(9)
    return b"".join(squeeze.compress(block) for _ in range(repeats)) + squeeze.flush()


def bomb_pdf(path: Path, expanded_mb: int) -> Path:
    """A one-page PDF whose content stream inflates from a few megabytes to `expanded_mb` megabytes."""
    path.write_bytes(_one_page(_deflated(b" " * (1024 * 1024), expanded_mb)))
    return path


def endless_pdf(path: Path, operators_millions: int) -> Path:
    """A one-page PDF whose small content stream holds millions of no-op operators (q Q: save and
    restore the graphics state): the parser works through them one by one, for minutes."""
    path.write_bytes(_one_page(_deflated(b"q Q " * 250_000, 4 * operators_millions)))
    return path


def many_pages_pdf(path: Path, pages: int) -> Path:
    """A PDF of `pages` pages sharing one small content stream (one line of text)."""
    text = b"BT /F1 12 Tf 72 770 Td (A page of a very long communique.) Tj ET"
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
    objects += [page + b"/Contents 4 0 R >>" for _ in range(pages)]
    path.write_bytes(pdf_bytes(objects))
    return path


def encrypted_pdf(path: Path, text: str, user_password: str) -> Path:
    """A PDF of `text` encrypted (AES-128); with a user password it opens only with that password,
    without one anybody can open it (only the owner's permissions are protected)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, text)
    pdf.set_encryption(
        owner_password="owner-secret", user_password=user_password, encryption_method="AES_128"
    )
    path.write_bytes(bytes(pdf.output()))
    return path
