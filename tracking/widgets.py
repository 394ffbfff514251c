"""Form widgets of the 帮扶跟踪 admin."""

from django import forms


class OnlyChoice(forms.Select):
    """A choice with one possible answer: shown as text, not as a list to pick from, and
    posted as a hidden value so that the form validates it like any other choice."""

    template_name = "tracking/widgets/only_choice.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in context["widget"]["value"]}
        context["widget"]["label"] = next(
            (str(label) for key, label in self.choices if str(key) in chosen and str(key)), ""
        )
        context["widget"]["hidden_value"] = next(iter(chosen - {""}), "")
        return context
