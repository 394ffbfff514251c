"""The names of the programme's groups, and what they mean for data the apps own. The groups
themselves, with their permissions and workflows, are made by the portal's role set-up
(`portal/setup/roles.py`, `manage.py setup_roles`); the apps only read them, so the names live
here, below every app that reads them."""

from content.models import School

TEACHERS = "教师"
OFFICE = "项目办"
MEMBERS = "工作室成员·{}"
LEADS = "工作室主持人·{}"
REVIEWERS = "学校审核员·{}"


def reviewer_school_ids(user):
    """The schools whose records a reviewer may verify: those of the user's 学校审核员
    groups; None (all) for the office, admins, and a verify permission given outright."""
    if user.is_superuser or user.groups.filter(name=OFFICE).exists():
        return None
    names = set(user.groups.values_list("name", flat=True))
    schools = {
        school.pk
        for school in School.objects.all()
        if REVIEWERS.format(school.short_name or school.name) in names
    }
    return schools or None
