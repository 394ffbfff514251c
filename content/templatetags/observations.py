from django import template

from content.observations import panel_context

register = template.Library()


@register.inclusion_tag("content/observations/panel.html", takes_context=True)
def observation_panel(context, page):
    """The 课堂观察 panel, drawn for a logged-in reader on each request: the page's template
    asks for it only then, so the anonymous visitors' cached copy never holds a note."""
    return panel_context(context["request"], page)
