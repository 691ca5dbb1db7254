"""PDFs: Chinese text survives (extractable, CJK font embedded), values are escaped, batches split
into one PDF per certificate, and nothing is fetched from the network while rendering."""

from __future__ import annotations

import io
import socket
from dataclasses import replace

import pytest
from pypdf import PdfReader

from certificates.preview import sample
from certificates.rendering import (
    LocalOnlyFetcher,
    document_html,
    render_document,
    render_pdf,
    render_pdfs,
)


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _embedded_fonts(pdf: bytes) -> list[str]:
    names = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.append(str(font["/BaseFont"]))
    return names


def test_chinese_name_is_extractable_and_a_cjk_font_embedded(template):
    pdf = render_pdf(template, replace(sample(), holder_name="欧阳明华"))
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "欧阳明华" in text
    assert "数据分析与解读" in text
    assert any("CJK" in name for name in _embedded_fonts(pdf)), _embedded_fonts(pdf)


def test_a_name_with_markup_prints_as_text(template):
    pdf = render_pdf(template, replace(sample(), holder_name="<script>"))
    assert "<script>" in _text(pdf)


def test_a_batch_splits_into_one_pdf_per_certificate(template):
    names = ["张三", "李四", "王小明"]
    items = [
        replace(sample(), holder_name=n, serial=f"SZ2025-000000{i}") for i, n in enumerate(names)
    ]
    pdfs = render_pdfs(template, items)
    assert len(pdfs) == 3
    for pdf, name in zip(pdfs, names, strict=True):
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == 1
        text = _text(pdf)
        assert name in text
        assert all(other not in text for other in names if other != name)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection is recorded and fails."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted during rendering")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_rendering_refuses_every_remote_resource(template, no_network):
    remote = [
        "http://example.com/logo.png",
        "https://cdn.example.com/style.css",
        "https://cdn.example.com/imported.css",
        "https://fonts.example.com/font.woff2",
    ]
    html = (
        f'<html><head><link rel="stylesheet" href="{remote[1]}">'
        f"<style>@import url({remote[2]}); @font-face {{ font-family: X; src: url({remote[3]}) }}"
        f'</style></head><body><img src="{remote[0]}"><p>正文</p></body></html>'
    )
    fetcher = LocalOnlyFetcher()
    render_document(html, fetcher).write_pdf()
    assert sorted(fetcher.refused) == sorted(remote)
    assert no_network == []


def test_a_stored_template_with_remote_urls_renders_without_fetching(template, no_network):
    # Bypass the admin's validation, as a row edited in the database might.
    template.css += " .frame { background: url(https://tracker.example.com/p.png) }"
    template.body_html += '<img src="http://tracker.example.com/q.png">'
    html = document_html(template, [sample()])
    assert "tracker.example.com" not in html
    assert render_pdf(template, sample()).startswith(b"%PDF")
    assert no_network == []


def test_local_static_files_and_media_are_allowed(settings, tmp_path):
    media = tmp_path / "media" / "seal.png"
    media.parent.mkdir(parents=True, exist_ok=True)
    media.write_bytes(b"x")
    assert LocalOnlyFetcher.local_path(media.as_uri()) == media.resolve()
    outside = tmp_path / "secret.txt"
    outside.write_text("no")
    assert LocalOnlyFetcher.local_path(outside.as_uri()) is None
    assert LocalOnlyFetcher.local_path("file:///etc/passwd") is None
    own_static = f"{settings.CERTIFICATES_BASE_URL}/static/certificates/seal-neutral.png"
    assert LocalOnlyFetcher.local_path(own_static) is not None
    assert LocalOnlyFetcher.local_path("https://elsewhere.example/static/x.png") is None
