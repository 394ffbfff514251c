"""成长档案 pages (/people/<slug>/) and their XLSX export for the programme office."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse

from content.models import Person
from content.references import with_references
from people import export, portfolio

# The office's permission (项目办: the scores and the semester report); a portfolio is
# exported for the same reports.
EXPORT_PERMISSION = "tracking.view_evaluationscore"


def _person(slug):
    # Only published profiles have a page: a draft names no one yet (content.Person).
    person = Person.objects.filter(slug=slug, live=True).prefetch_related("subjects").first()
    if person is None:
        raise Http404("没有这个人员")
    return with_references([person])[0]  # the school from the cached list, not a query


def person_page(request, slug):
    person = _person(slug)
    return TemplateResponse(
        request,
        "people/person_page.html",
        {
            "person": person,
            "portfolio": portfolio.build(person, request),
            "may_export": request.user.has_perm(EXPORT_PERMISSION),
        },
    )


def person_xlsx(request, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    person = _person(slug)
    response = HttpResponse(
        export.workbook(portfolio.build(person, request)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="portfolio-{person.slug}.xlsx"'
    # Made for the office alone: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
