from people.models import DisplayPreference
from people.roles import Role, roles_of


def display_preferences(request):
    """Elder-friendly mode and the viewer's roles, for the site chrome.

    Elder mode is remembered per account (so it follows the user to another device) and, for
    visitors who have not logged in, in a cookie.
    """
    user = getattr(request, "user", None)
    elder = request.COOKIES.get("elder_mode") == "1"
    roles = frozenset()
    if user is not None and user.is_authenticated:
        stored = (
            DisplayPreference.objects.filter(user=user).values_list("elder_mode", flat=True).first()
        )
        if stored is not None:
            elder = stored
        roles = roles_of(user)
    return {
        "elder_mode": elder,
        "is_cadre": Role.CADRE in roles,
        "is_hr": bool(roles & {Role.HR, Role.ADMIN}),
        "is_trainer": bool(roles & {Role.TRAINER, Role.ADMIN}),
    }
