"""Content-Security-Policy: strict on the front end, relaxed where Wagtail's admin needs it."""

from csp.constants import SELF, UNSAFE_EVAL, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIXES = ("/admin/",)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIXES):
            # The admin ships inline scripts and its rich-text editor evaluates code.
            parts.update = {
                **(parts.update or {}),
                "script-src": [SELF, UNSAFE_INLINE, UNSAFE_EVAL],
            }
        return parts
