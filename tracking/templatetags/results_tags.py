from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

# One target of the 成效 page. Written here rather than in the template: 70 targets with ten
# template variables each were most of a cold 成效 page's rendering (some 7 ms a render).
TARGET = (
    '<li class="target target--{}"><p class="target__wording"><span class="badge">{}年</span> '
    '{}</p><svg class="target__bar" viewBox="0 0 100 1" preserveAspectRatio="none" role="img" '
    'aria-label="完成 {}%"><rect width="{}" height="1"/></svg><p class="target__figures">'
    '<span class="target__value">{}</span>{} <span class="target__status">{}</span></p></li>'
)


def _goal(target):
    figure = target.figure
    return format_html(' / <span class="target__goal">{}</span>', figure) if figure else ""


@register.filter
def target_items(items):
    """The <li> of each TargetProgress (tracking.progress)."""
    return format_html_join(
        "\n",
        TARGET,
        (
            (
                item.status,
                item.target.year,
                item.target.wording,
                percent := item.percent,
                percent,
                item.current_display,
                _goal(item.target),
                item.status_label,
            )
            for item in items
        ),
    )
