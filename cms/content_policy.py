"""The Content-Security-Policy on every answer, with the one loosening Wagtail's editor needs.

The policy itself is in settings (``CONTENT_SECURITY_POLICY``): scripts from our own static
files only. Wagtail 8 still writes inline scripts into its edit forms (inline panels, choosers,
date pickers: wagtail/wagtail#1288), so admin pages behind the sign-in may run inline script.
The sign-in and password-reset pages, the API docs page and the API keep the strict policy,
and on admin pages the rest of it still holds: no script, connection, form target, frame or
plugin from another origin.
"""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.urls import reverse


def allows_inline_scripts(path: str) -> bool:
    """Wagtail's admin pages, except those a visitor sees before signing in."""
    before_sign_in = (reverse("wagtailadmin_login"), reverse("wagtailadmin_password_reset"))
    return path.startswith(reverse("wagtailadmin_home")) and not path.startswith(before_sign_in)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if allows_inline_scripts(request.path_info):
            parts.update = {**(parts.update or {}), "script-src": [UNSAFE_INLINE]}
        return parts
