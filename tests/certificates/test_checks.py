"""The system check fails clearly without a CJK font or HarfBuzz's subsetter."""

from __future__ import annotations

from certificates import checks


def test_this_machine_can_render_chinese():
    assert checks.rendering_check() == []


def test_no_cjk_font_is_an_error(settings):
    settings.CERTIFICATES_CJK_FONTS = ["No Such Font CJK"]
    (error,) = checks.rendering_check()
    assert error.id == "certificates.E001"
    assert "fonts-noto-cjk" in error.hint


def test_missing_harfbuzz_subset_is_an_error(monkeypatch):
    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: False)
    (error,) = checks.rendering_check()
    assert error.id == "certificates.E002"
    assert "libharfbuzz-subset0" in error.hint
