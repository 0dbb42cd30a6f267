"""The pages' forms: Bootstrap classes and one field template, so no page writes HTML per field.

A page form subclasses `PageForm` (or `PageModelForm`) and renders with `{{ form }}` or
`{{ form.field.as_field_group }}`; `templates/includes/field.html` draws every field (label,
the widget, help text and its one error, tied to the widget by `aria-describedby`).
The admin keeps its own templates: `FORM_RENDERER` only names our field template.
"""
import contextlib

from django import forms
from django.forms.renderers import TemplatesSetting

from .money import parse_rupees


class FormRenderer(TemplatesSetting):
    """Render every form field with the project's field template."""

    field_template_name = "includes/field.html"


def _widget_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    if isinstance(widget, forms.HiddenInput):
        return ""
    return "form-control"


class PageBoundField(forms.BoundField):
    """A bound field whose widget wears Bootstrap's class, and `is-invalid` while it has an error."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        css = _widget_class(widget or self.field.widget)
        if css:
            classes = [*attrs.get("class", "").split(), css, *(["is-invalid"] if self.errors else [])]
            attrs["class"] = " ".join(dict.fromkeys(classes))
        return attrs

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        css = "form-check-label" if self.widget_type == "checkbox" else "form-label small fw-semibold mb-1"
        return super().label_tag(contents, {"class": css, **(attrs or {})}, label_suffix, tag)


class PageForm(forms.Form):
    bound_field_class = PageBoundField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PageModelForm(forms.ModelForm):
    bound_field_class = PageBoundField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RupeeField(forms.DecimalField):
    """A rupee amount typed as the pages print it: "1,000", "1,05,400.50" or plain (`parse_rupees`).

    A text box (a number box refuses commas) with the decimal keypad; limits and messages are
    DecimalField's, given by each form.
    """

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        if isinstance(value, str) and value.strip() not in self.empty_values:
            with contextlib.suppress(ValueError):  # not an amount: DecimalField says so, in the form's words
                value = parse_rupees(value)
        return super().to_python(value)


class DayMonthYearInput(forms.DateInput):
    """A date typed as dd-mm-yyyy, whatever the browser's locale (a native date input follows it)."""

    def __init__(self, attrs=None):
        defaults = {"inputmode": "numeric", "pattern": r"\d{1,2}-\d{1,2}-\d{4}", "autocomplete": "off"}
        super().__init__({**defaults, **(attrs or {})}, format="%d-%m-%Y")


class DayMonthYearField(forms.DateField):
    """A date field that reads and shows dd-mm-yyyy (the ISO form is still accepted)."""

    widget = DayMonthYearInput
    input_formats = ["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]

    def __init__(self, *, label=None, **kwargs):
        kwargs.setdefault("help_text", "dd-mm-yyyy")
        super().__init__(label=label, **kwargs)
        name = label or "The date"
        self.error_messages["invalid"] = f"{name} must be a date written dd-mm-yyyy, like 23-05-2027."
        self.error_messages["required"] = f"{name} is needed."


# The largest id a database key holds (a signed 64-bit integer).
ID_MAX = 2**63 - 1


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField, refusing an id no key can hold before it reaches the database.

    Django looks the ids up with `pk__in`, and a number beyond 64 bits there makes SQLite
    raise OverflowError (a 500) instead of "not one of the choices".
    """

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if not text.isdecimal() or not 0 < int(text) <= ID_MAX:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
                )
        return super()._check_values(value)
