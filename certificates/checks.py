"""System checks: certificates need a CJK font and HarfBuzz's subsetter (without it WeasyPrint
falls back to a subsetter that takes ~17 s per page with CJK fonts), and production needs a
configured issuer key."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

from .signing import issuer_key_configured


def harfbuzz_subset_available() -> bool:
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def installed_font_families(families: list[str]) -> list[str]:
    """Those of ``families`` that fontconfig resolves to themselves (not to a fallback)."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    found = []
    try:
        for family in families:
            pattern = fontconfig.FcPatternCreate()
            fontconfig.FcPatternAddString(pattern, b"family", family.encode())
            fontconfig.FcConfigSubstitute(config, pattern, 0)  # FcMatchPattern
            fontconfig.FcDefaultSubstitute(pattern)
            result = ffi.new("FcResult *")
            match = fontconfig.FcFontMatch(config, pattern, result)
            fontconfig.FcPatternDestroy(pattern)
            if match == ffi.NULL:
                continue
            name = ffi.new("FcChar8 **")
            matched = fontconfig.FcPatternGetString(match, b"family", 0, name) == 0
            if matched and ffi.string(name[0]).decode().casefold() == family.casefold():
                found.append(family)
            fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcConfigDestroy(config)
    return found


@register()
def rendering_check(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    if not installed_font_families(settings.CERTIFICATES_CJK_FONTS):
        errors.append(
            Error(
                "No Chinese (CJK) font is installed: certificates would print empty boxes.",
                hint="Install Debian's fonts-noto-cjk (or fonts-wqy-microhei): "
                "`make install` does it when run as root. Looked for: "
                + ", ".join(settings.CERTIFICATES_CJK_FONTS),
                id="certificates.E001",
            )
        )
    if not harfbuzz_subset_available():
        errors.append(
            Error(
                "libharfbuzz-subset (HarfBuzz ≥ 4.1) is not available to WeasyPrint: each "
                "certificate page with Chinese text would take ~17 s instead of ~0.15 s.",
                hint="Install Debian's libharfbuzz-subset0 (`make install` does it as root).",
                id="certificates.E002",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def issuer_key_check(app_configs=None, **kwargs) -> list[Error]:
    if issuer_key_configured():
        return []
    return [
        Error(
            "No issuer key is configured for signing Open Badges credentials.",
            hint="Set SHUZHI_ISSUER_KEY (an Ed25519 private key in PEM) or SHUZHI_ISSUER_KEY_FILE; "
            "see docs/certificates.md, 'Key management'.",
            id="certificates.E003",
        )
    ]
