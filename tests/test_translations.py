"""Chinese comes first: every message in the code must have a zh-Hans translation.

The catalogue is regenerated from the sources into a temporary copy (so a string added without
running `make messages` is caught too), then checked for untranslated and fuzzy entries.
"""

import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LOCALE = Path(settings.BASE_DIR) / "site" / "locale"
# "site/locale" too: makemessages would otherwise find the real catalogue while walking the
# checkout and rewrite it (marking everything outside site/ obsolete) instead of the copy.
IGNORE = [".venv", "var", "tests", "benchmarks", "node_modules", "docs", "site/locale"]


def test_every_message_has_a_chinese_translation(tmp_path):
    shutil.copytree(LOCALE, tmp_path / "locale")
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["zh_Hans"], ignore_patterns=IGNORE, verbosity=0)
    po = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"run `make messages` and translate: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy[:20]}"


def test_compiled_catalogues_translate_the_chrome():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("Log in") == "登录"
    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"
