"""Who imports, and where. The office brings in the programme's archive, already reviewed, as
`import_resources` does from the shell: published at once, into any section that holds
resources. A workshop lead imports only into sections where they may add pages (their
workshop), and the rows go through the section's review as drafts submitted for it, as pages
written by hand there would: the lead does not publish by importing what they could not
publish one by one."""

from wagtail.models import Page

from content.groups import LEADS, OFFICE
from content.models import ResourceIndexPage, ResourcePage

LEAD_PREFIX = LEADS.format("")


def is_office(user):
    return user.is_active and (user.is_superuser or user.groups.filter(name=OFFICE).exists())


def may_import(user):
    if not user.is_authenticated or not user.is_active:
        return False
    if is_office(user):
        return True
    return user.groups.filter(name__startswith=LEAD_PREFIX).exists()


def targets(user):
    """The pages the user may import resources under, in tree order; for the office the
    library (教学资源) first, where an archive goes, rather than the first workshop."""
    if not may_import(user):
        return []
    parents = list(
        Page.objects.type(*ResourcePage.allowed_parent_page_models()).order_by("path").specific()
    )
    if is_office(user):
        return sorted(parents, key=lambda page: not isinstance(page, ResourceIndexPage))
    return [page for page in parents if page.permissions_for_user(user).can_add_subpage()]
