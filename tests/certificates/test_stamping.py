"""Layered rendering (stamping) gives the same certificates as one WeasyPrint document each:
the same pixels, the same extractable text, an embedded CJK font, escaped values, no network, and
the per-document path wherever a value could change more than its own line."""

from __future__ import annotations

import io
import socket
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pypdfium2
import pytest
import segno
from django.utils import timezone
from PIL import ImageChops
from pypdf import PdfReader

from certificates.codes import format_code, new_code
from certificates.demo import DEFAULT_CSS, DEFAULT_HTML
from certificates.layers import Layers, NotStampable
from certificates.models import AchievementKind, CertificateTemplate
from certificates.preview import sample
from certificates.rendering import render_pdf
from certificates.stamping import Stamper, render_in_chunks
from certificates.wording import verify_url

LEVEL_NAMES = {1: ("知晓", "Aware"), 2: ("运用", "Use"), 3: ("应用", "Apply")}
DPI = 110


def _template(**changes) -> CertificateTemplate:
    fields = {"name": "test", "body_html": DEFAULT_HTML, "css": DEFAULT_CSS, **changes}
    return CertificateTemplate(**fields)


def _item(holder_name: str, serial: int, **changes):
    code = new_code()
    return replace(
        sample(),
        holder_name=holder_name,
        serial=f"SZ2025-{serial:07d}",
        code=format_code(code),
        verify_url=verify_url(code),
        **changes,
    )


def _cohort():
    """Names short and long, Chinese, Latin and markup; levels, hours and dates that differ."""
    day = timezone.make_aware(datetime(2025, 3, 9, 10))
    return [
        _item("李", 1, level=1),
        _item("欧阳明华", 2, level=2, issued_at=day),
        _item("司马欧阳诸葛慕容", 3, level=3),
        _item("Alexander Montgomery", 4, level=2, credit_hours=Decimal("7.5")),
        _item("<script>", 5, level=1, credit_hours=None),
        _item("王 Wang", 6, level=3, credit_hours=None, issued_at=day),
        _item("阿卜杜热合曼·买买提", 7, level=2),
    ]


def _pixels(pdf: bytes):
    page = pypdfium2.PdfDocument(pdf)[0]
    return page.render(scale=DPI / 72).to_pil().convert("RGB")


def _text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@pytest.fixture(scope="module")
def stamped():
    template = _template()
    items = _cohort()
    return template, items, Stamper(template, items, LEVEL_NAMES).render(items)


def test_every_certificate_of_the_default_template_is_stamped(stamped):
    _template, items, pdfs = stamped
    assert all(pdf is not None for pdf in pdfs)
    for item, pdf in zip(items, pdfs, strict=True):
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == 1
        assert reader.metadata.title == item.serial


def test_stamped_certificates_are_pixel_for_pixel_their_own_documents(stamped):
    template, items, pdfs = stamped
    for item, pdf in zip(items, pdfs, strict=True):
        naive, layered = _pixels(render_pdf(template, item, LEVEL_NAMES)), _pixels(pdf)
        assert naive.size == layered.size
        assert ImageChops.difference(naive, layered).getbbox() is None, item.holder_name


def test_text_is_extractable_escaped_and_set_in_an_embedded_cjk_font(stamped):
    _template, items, pdfs = stamped
    for item, pdf in zip(items, pdfs, strict=True):
        text = _text(pdf)
        assert item.holder_name in text and item.serial in text and item.code in text
    assert "<script>" in _text(pdfs[4])
    fonts = PdfReader(io.BytesIO(pdfs[1])).pages[0]["/Resources"]["/Font"].values()
    embedded = [
        str(font.get_object()["/BaseFont"])
        for font in fonts
        for descendant in font.get_object()["/DescendantFonts"]
        if "/FontFile3" in descendant.get_object()["/FontDescriptor"]
        or "/FontFile2" in descendant.get_object()["/FontDescriptor"]
    ]
    assert any("CJK" in name for name in embedded), embedded


def test_each_qr_code_encodes_and_links_to_its_own_verification_page(stamped):
    _template, items, pdfs = stamped
    for item, pdf in zip(items, pdfs, strict=True):
        page = PdfReader(io.BytesIO(pdf)).pages[0]
        targets = {annotation.get_object()["/A"]["/URI"] for annotation in page["/Annots"]}
        assert targets == {item.verify_url}
        # Only its own QR image travels with the certificate (and the seal).
        assert len(page["/Resources"]["/XObject"]) == 2
        (qr,) = [image.image.convert("L") for image in page.images if image.image.size[0] < 100]
        expected = segno.make(item.verify_url, error="m", mask=0, boost_error=False)
        modules = [[bool(v) for v in row] for row in expected.matrix_iter(scale=1, border=2)]
        width, height = qr.size
        seen = [[qr.getpixel((x, y)) < 128 for x in range(width)] for y in range(height)]
        assert seen == modules


def test_a_name_too_long_for_its_line_takes_the_per_document_path():
    template = _template()
    items = [_item("张三", 1), _item("Bartholomew " * 8 + "Featherstonehaugh", 2)]
    assert Stamper(template, items, LEVEL_NAMES).render(items)[1] is None
    pdfs = [
        pdf for _start, chunk in render_in_chunks(template, items, 10, LEVEL_NAMES) for pdf in chunk
    ]
    assert "Featherstonehaugh" in _text(pdfs[1]).replace("\n", " ")
    naive = _pixels(render_pdf(template, items[1], LEVEL_NAMES))
    assert ImageChops.difference(naive, _pixels(pdfs[1])).getbbox() is None


def test_a_first_certificate_too_long_to_be_the_probe_does_not_stop_the_batch():
    template = _template()
    items = [_item("Bartholomew " * 8 + "Featherstonehaugh", 1), _item("张三", 2), _item("李四", 3)]
    assert [pdf is None for pdf in Stamper(template, items, LEVEL_NAMES).render(items)] == [
        True,
        False,
        False,
    ]


def test_a_value_in_a_paragraph_that_wraps_is_not_stamped():
    flowing = _template(
        body_html="<p class='flow'>兹证明{holder_name}同志完成了全部课程学习，考核合格，"
        "成绩优良，表现突出，在数字素养培训中取得了显著的进步，特发此证以资鼓励。{serial}</p>",
        css=".flow { width: 60mm; font-size: 14pt }",
    )
    items = [_item("张三", 1), _item("欧阳明华", 2)]
    stamper = Stamper(flowing, items, LEVEL_NAMES)
    with pytest.raises(NotStampable):
        Layers(flowing, items[0], stamper.varying, LEVEL_NAMES)
    assert stamper.render(items) == [None, None]
    pdfs = [
        pdf for _start, chunk in render_in_chunks(flowing, items, 10, LEVEL_NAMES) for pdf in chunk
    ]
    for item, pdf in zip(items, pdfs, strict=True):
        assert item.holder_name in _text(pdf).replace("\n", "")


def test_a_restyled_template_is_stamped_pixel_for_pixel():
    """Underlined and letter-spaced name, word-spaced left-aligned English, left-aligned sign."""
    restyled = _template(
        css=DEFAULT_CSS
        + ".lead b { text-decoration: underline; letter-spacing: 0.1em }"
        + ".en { text-align: left; word-spacing: 0.3em } .sign { text-align: left }"
    )
    items = [_item("李", 1, level=1), _item("欧阳明华", 2, level=3), _item("John Smith", 3)]
    pdfs = Stamper(restyled, items, LEVEL_NAMES).render(items)
    for item, pdf in zip(items, pdfs, strict=True):
        naive = _pixels(render_pdf(restyled, item, LEVEL_NAMES))
        assert ImageChops.difference(naive, _pixels(pdf)).getbbox() is None, item.holder_name


def test_lines_broken_with_br_are_stamped_pixel_for_pixel():
    html = DEFAULT_HTML.replace("{kind_en}:\n{achievement_en}", "{kind_en}:<br>{achievement_en}")
    assert html != DEFAULT_HTML
    with_br = _template(
        body_html=html, css=DEFAULT_CSS.replace(".en { white-space: pre-line;", ".en {")
    )
    items = [_item("张三", 1), _item("Alexander Montgomery", 2, level=1)]
    pdfs = Stamper(with_br, items, LEVEL_NAMES).render(items)
    for item, pdf in zip(items, pdfs, strict=True):
        naive = _pixels(render_pdf(with_br, item, LEVEL_NAMES))
        assert ImageChops.difference(naive, _pixels(pdf)).getbbox() is None, item.holder_name


@pytest.mark.parametrize(
    "css",
    [
        ".en { text-align: justify; text-align-last: justify }",
        ".lead { opacity: 0.8 }",
        ".verify { text-align: right }",  # the code no longer fits beside the QR code: it wraps
    ],
    ids=["justified", "in-a-group", "value-split-across-lines"],
)
def test_templates_whose_values_could_move_more_than_their_line_are_not_stamped(css):
    template = _template(css=DEFAULT_CSS + css)
    items = [_item("张三", 1), _item("欧阳明华", 2)]
    stamper = Stamper(template, items, LEVEL_NAMES)
    with pytest.raises(NotStampable):
        Layers(template, items[0], stamper.varying, LEVEL_NAMES)
    assert stamper.render(items) == [None, None]


def test_a_course_batch_with_shared_values_is_stamped_identically():
    template = _template()
    course = {"kind": AchievementKind.COURSE, "level": 0, "title_zh": "公共数据开放与安全"}
    items = [_item("张三", 1, **course), _item("诸葛孔明", 2, **course)]
    pdfs = Stamper(template, items, LEVEL_NAMES).render(items)
    for item, pdf in zip(items, pdfs, strict=True):
        naive = _pixels(render_pdf(template, item, LEVEL_NAMES))
        assert ImageChops.difference(naive, _pixels(pdf)).getbbox() is None


def test_a_batch_of_several_competencies_stamps_their_titles():
    """The title sits in a ::first-line line; a title too long for its line is laid out alone."""
    template = _template()
    titles = [
        ("D2.3 数据分析与解读", "D2.3 Data analysis and interpretation"),
        ("A1.1 数字政府认知", "A1.1 Digital government"),
        ("C3.2 公共数据开放与安全治理", "C3.2 Open public data and security governance"),
        ("B1 网络安全", "B1 " + "Cybersecurity and resilience of public services " * 3),
    ]
    items = [
        _item(name, i, title_zh=zh, title_en=en)
        for i, (name, (zh, en)) in enumerate(
            zip(["张三", "李四", "王五", "赵六"], titles, strict=True), 1
        )
    ]
    pdfs = Stamper(template, items, LEVEL_NAMES).render(items)
    assert [pdf is None for pdf in pdfs] == [False, False, False, True]
    for item, pdf in zip(items[:3], pdfs, strict=False):
        naive = _pixels(render_pdf(template, item, LEVEL_NAMES))
        assert ImageChops.difference(naive, _pixels(pdf)).getbbox() is None, item.title_zh


def test_stamping_fetches_nothing_from_the_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted during rendering")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    template = _template()
    items = [_item("张三", 1), _item("李四", 2)]
    assert all(Stamper(template, items, LEVEL_NAMES).render(items))
    assert attempts == []
