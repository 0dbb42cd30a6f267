"""`{% customer_picker %}`: the picker with what the page gave it (`picker_customer`, `picker_error`)."""
from django import template

from customers.consent import consent_context
from customers.forms import NewCustomerForm

register = template.Library()


@register.inclusion_tag("customers/picker.html", takes_context=True)
def customer_picker(context):
    """Render the picker: the chosen customer, or the search box and the "new customer" form."""
    return {
        "picker_customer": context.get("picker_customer"),
        "picker_error": context.get("picker_error", ""),
        "new_customer_form": context.get("new_customer_form") or NewCustomerForm(),
        "picker_focus": context.get("picker_focus", False),
        "picker_label": context.get("picker_label") or "Customer",  # "Next customer" after an invoice
    }


@register.inclusion_tag("customers/consent.html")
def consent_taps(customer):
    """One button per channel the customer has not said yes to; the words to read out beside it."""
    return consent_context(customer)
