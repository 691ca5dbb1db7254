"""Verification codes, placeholder escaping and what template authors may write."""

from __future__ import annotations

import pytest

from certificates.codes import ALPHABET, CODE_LENGTH, format_code, new_code, normalise
from certificates.placeholders import fill
from certificates.sanitise import clean_css, clean_html, template_problems


def test_codes_are_128_bit_random_with_a_check():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in list(codes)[:20]:
        assert len(code) == CODE_LENGTH
        assert normalise(code) == code
        assert normalise(format_code(code).lower()) == code  # typed in groups, lower case


def test_a_mistyped_or_altered_code_fails_its_check_mostly():
    code = new_code()
    altered = [
        code[:i] + other + code[i + 1 :]
        for i in range(CODE_LENGTH)
        for other in ALPHABET
        if other != code[i]
    ]
    rejected = sum(normalise(a) is None for a in altered)
    # Two check characters (10 bits) reject nearly all single changes before any look-up; the
    # rest never match a stored code (tested against the database in test_verification).
    assert rejected / len(altered) > 0.95


@pytest.mark.parametrize("junk", ["", "short", "X" * 40, "!!!!" * 7, "ABCD-EFGH"])
def test_malformed_codes_are_rejected(junk):
    assert normalise(junk) is None


def test_placeholder_values_are_escaped():
    html = fill(
        "<p>{holder_name} · {achievement}</p>",
        {"holder_name": "<script>alert(1)</script>", "achievement": "A & B"},
        {},
    )
    assert html == (
        '<p><shuzhi-value name="holder_name">&lt;script&gt;alert(1)&lt;/script&gt;</shuzhi-value>'
        ' · <shuzhi-value name="achievement">A &amp; B</shuzhi-value></p>'
    )


def test_literal_braces_and_markup_placeholders():
    html = fill("{{x}} {qr_code}", {}, {"qr_code": "<img alt=''>"})
    assert html == "{x} <shuzhi-value name=\"qr_code\"><img alt=''></shuzhi-value>"


def test_author_html_is_limited():
    problems = template_problems(
        '<p onclick="x()">{holder_name}</p><script>alert(1)</script><img src="http://e.x/a.png">'
        "<p>{unknown_thing}</p>",
        "@import url(https://fonts.example.com/x.css); .a { background: url(http://evil/x.png) }",
    )
    html = " ".join(problems["body_html"])
    css = " ".join(problems["css"])
    assert "<script>" in html and "<img>" in html
    assert "onclick" in html
    assert "{unknown_thing}" in html
    assert "@import" in css and "http://evil/x.png" in css


def test_a_clean_template_has_no_problems(template):
    assert template_problems(template.body_html, template.css) == {}


def test_cleaning_removes_scripts_and_remote_urls():
    assert "script" not in clean_html("<p>ok</p><script>alert(1)</script>")
    assert "onclick" not in clean_html('<p onclick="x()">ok</p>')
    css = clean_css(
        "@import url(http://x/y.css); .a { background: url('https://x/y.png') } "
        ".b { background: url(data:image/png;base64,AAAA) } </style><script>"
    )
    assert "http" not in css and "@import" not in css
    assert "data:image/png" in css
    assert "</style" not in css
