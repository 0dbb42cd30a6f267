"""The admin sale page's form as a manager fills it in, for the tests that sell through the admin."""

ASSIGN = "/admin/packages/packageassignment/assign/"


def sale_form(customer, template, **fields):
    """The sale page's fields with nothing but the customer and template chosen; `fields` changes any."""
    return {
        "customer": customer.pk,
        "template": f"{template.package_type}:{template.pk}",
        "service": "",
        "price_paid": "",
        "discount": "0.00",
        "expires_on": "",
        "notes": "",
        "payment_method": "cash",
        "payment_amount": "",
        "payment_reference": "",
        "customer_address": "",
        "customer_state_code": "",
        **fields,
    }
