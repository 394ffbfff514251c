"""The admin's login form (WAGTAILADMIN_USER_LOGIN_FORM): Wagtail's, with a label for the
password, which Wagtail 8.0.1 leaves to Django's default from the field's name: "Password",
in English whatever the language."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.auth import LoginForm


class AdminLoginForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
