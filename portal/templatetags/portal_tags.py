from django import template

from portal.navigation import visible_nav

register = template.Library()


@register.inclusion_tag("portal/includes/main_nav.html", takes_context=True)
def main_nav(context):
    return {"items": visible_nav(context)}
