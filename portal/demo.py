"""Demo content of the portal: the home page's welcome text in Chinese and its English copy."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Locale, Page, Site

from .models import HomePage

INTRO_ZH = (
    "<p>数智平台面向市、区县、镇街三级干部，围绕数字重庆建设中的真实案例开展情景化培训，"
    "测评数字素养与能力，帮助组织人事部门按部门和层级看清能力短板，"
    "培养懂技术、精业务的复合型人才。</p>"
)
INTRO_EN = (
    "<p>Shuzhi trains cadres at city, district/county and township/street level with "
    "scenarios drawn from real Digital Chongqing cases, measures their digital competence, "
    "and shows organisation departments where the gaps are by department and level, so they "
    "can develop composite talent fluent in both technology and the business of governing.</p>"
)


def ensure_site_root() -> HomePage:
    """The Chinese home page as the default site's root, rebuilt if the tree was emptied.

    Migrations create it; a database flushed since (as transactional tests do) has no page tree,
    no locale and no site, so they are recreated here the way the migrations made them.
    """
    home = HomePage.objects.filter(locale__language_code="zh-hans").first()
    if home is not None:
        return home
    ContentType.objects.clear_cache()  # a flush recreates content types under new ids
    locale, _ = Locale.objects.get_or_create(language_code="zh-hans")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = root.add_child(instance=HomePage(title="数智", slug="home", locale=locale))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "数智"},
    )
    return home


@transaction.atomic
def seed_home_page() -> str:
    home = ensure_site_root()
    if home.intro != INTRO_ZH or home.title != "数智：干部数字素养与能力平台":
        home.title = "数智：干部数字素养与能力平台"
        home.intro = INTRO_ZH
        home.save_revision().publish()
    en_locale, _ = Locale.objects.get_or_create(language_code="en")
    english = HomePage.objects.filter(
        translation_key=home.translation_key, locale=en_locale
    ).first()
    if english is None:
        english = home.copy_for_translation(en_locale)
    english = Page.objects.get(pk=english.pk).specific
    if english.intro != INTRO_EN or not english.live:
        english.title = "Shuzhi: digital competence for cadres"
        english.intro = INTRO_EN
        english.save_revision().publish()
    return "zh-hans and en published"
