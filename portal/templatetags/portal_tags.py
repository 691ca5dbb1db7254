from django import template
from django.conf import settings
from django.contrib.auth import get_user_model

from people.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from portal.navigation import visible_nav

register = template.Library()


@register.inclusion_tag("portal/includes/main_nav.html", takes_context=True)
def main_nav(context):
    return {"items": visible_nav(context)}


@register.inclusion_tag("portal/includes/demo_logins.html")
def demo_logins():
    """The demo accounts that exist, when the site is a demo (settings.SHUZHI_DEMO_LOGINS)."""
    if not settings.SHUZHI_DEMO_LOGINS:
        return {"accounts": []}
    names = [account.username for account in DEMO_ACCOUNTS]
    existing = set(
        get_user_model().objects.filter(username__in=names).values_list("username", flat=True)
    )
    return {
        "accounts": [a for a in DEMO_ACCOUNTS if a.username in existing],
        "password": DEMO_PASSWORD,
    }
