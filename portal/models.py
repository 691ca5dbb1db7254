"""The page-tree root and the site-wide settings trainers and administrators edit in Wagtail."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The root of each language's page tree; shows a welcome and what the viewer can do next."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1
    template = "portal/home_page.html"

    class Meta:
        verbose_name = _("home page")


@register_setting(icon="cog")
class PlatformSettings(BaseSiteSetting):
    annual_credit_hours = models.PositiveSmallIntegerField(
        _("annual credit-hour requirement (学时)"), default=50
    )
    reminder_days_before_deadline = models.PositiveSmallIntegerField(
        _("send deadline reminders this many days before"), default=7
    )

    panels = [FieldPanel("annual_credit_hours"), FieldPanel("reminder_days_before_deadline")]

    class Meta:
        verbose_name = _("platform settings")
