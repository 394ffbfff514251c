"""Form widgets of the 帮扶跟踪 admin."""

from django import forms


class OnlyChoice(forms.Select):
    """A choice with one possible answer: shown as text, not as a list to pick from, and
    posted as a hidden value so that the form validates it like any other choice."""

    template_name = "tracking/widgets/only_choice.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in context["widget"]["value"]}
        options = [(str(key), str(label)) for key, label in self.choices if str(key)]
        # A value that is not the one choice (a forged POST, refused with its message) is
        # shown and posted again as the one choice, so that saving again just works.
        key, label = next(
            ((k, la) for k, la in options if k in chosen), options[0] if options else ("", "")
        )
        context["widget"].update(label=label, hidden_value=key)
        return context
