"""Content-Security-Policy: a strict policy for the public site, a looser one for the admin.

The public templates carry no inline script, style attribute or event handler, so the site
runs under `script-src 'self'` and `style-src 'self'`: an injected <script> or onerror= in
an editor's text or an imported row cannot run. Wagtail's admin still renders inline scripts
(InlinePanel templates, date widgets, wagtailmedia's upload form) and style attributes, so
pages under the admin prefixes get ADMIN_CONTENT_SECURITY_POLICY instead: inline code is
allowed there, but still nothing from another host. The admin is used only by logged-in
editors, and what they enter is escaped or passed through Wagtail's rich-text whitelist.
"""

from django.conf import settings

from csp.middleware import CSPMiddleware


class PortalCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(settings.ADMIN_URL_PREFIXES)
        ):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts
