"""Choice labels as text, looked up once per process and language."""

import functools

from django.utils.translation import get_language


@functools.cache
def _label(choice, language):
    return str(choice.label)


def choice_label(choices, value):
    """The label of `value` among `choices` (a TextChoices), as get_FOO_display gives it.

    Our labels are written in Chinese and are in no message catalogue, so each gettext of
    one misses every catalogue Django chains for zh-hans (14, some 50 µs), and
    get_FOO_display turns every label of the field to text to look one up: the cadence
    rules' two labels were some 4 ms of a cold 成效 page."""
    try:
        choice = choices(value)
    except ValueError:
        return value
    return _label(choice, get_language())
