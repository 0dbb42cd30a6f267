"""The counter's cart (/integrated-billing), kept in the session so a reload or Back loses nothing.

The session holds what the cashier typed (raw text, so a reload shows it as typed); every
figure is recomputed by `invoice_preview` on each request. The page's views read a cart from
here, bind the page forms to it, and ask the billing services; nothing here decides a price.
"""
import copy
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from core.exceptions import DomainError
from core.money import money_str
from core.payments import MAX_PAYMENTS
from customers.models import Customer
from packages.models import AssignmentStatus, PackageAssignment
from packages.presenters import package_row, starts_later
from packages.selectors import customer_packages
from receipts.selectors import covered_by_packages, discount_label, tax_head_labels

from .engine import BillComputation
from .forms import CartLineForm, CounterBuyerForm, CounterForm, CounterPaymentForm
from .services import (
    BuyerDetails,
    CartItem,
    PaymentIn,
    buyer_details_missing,
    cash_in,
    cash_limit_refusal,
    invoice_preview,
    payments_check,
    rule46_message,
    rule46_threshold,
)

SESSION_KEY = "counter_cart"
NO_BUYER = {"address": "", "state_code": ""}
# The parts of the subtotal come after it, as a breakdown ("of which"): services and products add up to
# it; what packages covered is a part of the services, indented once more, so nothing reads as a line to add.
SUMMARY_ROWS = (
    ("subtotal", "Subtotal", "summary-strong"),
    ("services_subtotal", "of which services", "summary-part"),
    ("package_subtotal", "of those, covered by packages", "summary-part summary-subpart"),
    ("products_subtotal", "of which products", "summary-part"),
    ("discount", "Discount", ""),
    ("cgst", "CGST", ""),
    ("sgst", "SGST", ""),
    ("igst", "IGST", ""),
    ("round_off", "Round-off", ""),
    ("grand_total", "Grand total", "summary-total"),
    ("credit_applied", "Credit applied", ""),
    ("amount_payable", "Amount payable", "summary-payable"),
)


def new_cart(customer_id: int | None = None) -> dict:
    return {
        "customer_id": customer_id,
        "next_uid": 1,
        "lines": [],
        "options": {"discount": "", "guests": "", "use_credit": "on"},
        "payments": [{"method": "", "amount": "", "reference": ""}],
        "buyer": dict(NO_BUYER),  # the address and state GST Rule 46 asks for, as typed
        "key": uuid.uuid4().hex,
        "last_invoice_id": None,
        "last_customer_id": None,  # billed by the last invoice: their packages stay in view, no bill goes to them
        # The packages shown during this visit: one used up stays in view, Completed 0/4, until the next customer.
        "seen_packages": [],
        "show_finished": False,  # every finished package of the customer, not only this visit's
    }


def load(request) -> dict:
    cart = request.session.get(SESSION_KEY)
    # A copy: `save` writes only when the cart changed.
    cart = copy.deepcopy(cart) if isinstance(cart, dict) and "lines" in cart else new_cart()
    cart.setdefault("buyer", dict(NO_BUYER))  # a cart kept from before the buyer's details were asked for
    return cart


def save(request, cart: dict) -> None:
    if request.session.get(SESSION_KEY) != cart:
        request.session[SESSION_KEY] = cart


def bill_in_progress(request) -> str | None:
    """Say what the counter holds for a bill not made yet, or None when it holds no line.

    A change of branch takes the cart along, so the bill would be made at the new branch:
    the branch page (branches.switching) shows this and asks first.
    """
    cart = request.session.get(SESSION_KEY)
    lines = cart.get("lines") if isinstance(cart, dict) else None
    if not lines:
        return None
    customer = Customer.objects.filter(pk=cart.get("customer_id")).only("name").first()
    who = f" for {customer.name}" if customer else ""
    count = f"{len(lines)} line{'s' if len(lines) != 1 else ''}"
    return f"The counter has a bill in progress{who} ({count}); it moves with you and is billed at the branch you choose."


def add_line(cart: dict, item_type: str, item_id: int, name: str) -> int:
    uid = cart["next_uid"]
    cart["next_uid"] += 1
    cart["lines"].append(
        {"uid": uid, "type": item_type, "id": item_id, "name": name, "quantity": "1", "staff": "", "package": ""}
    )
    return uid


def set_customer(cart: dict, customer_id: int | None) -> None:
    """A new customer keeps the lines but starts a new bill: a new key, no package choices."""
    if customer_id is not None:
        cart["last_customer_id"] = None
    if customer_id == cart["customer_id"]:
        return
    cart["customer_id"] = customer_id
    cart["key"] = uuid.uuid4().hex
    cart["seen_packages"] = []
    cart["buyer"] = dict(NO_BUYER)
    for line in cart["lines"]:
        line["package"] = ""


def take_post(cart: dict, data) -> None:
    """Copy what the cashier typed (the posted form) into the cart, for the lines and payments it knows."""
    for line in cart["lines"]:
        prefix = f"line-{line['uid']}-"
        for name in ("quantity", "staff", "package"):
            if prefix + name in data:
                line[name] = data[prefix + name]
    if "discount" in data or "guests" in data:
        cart["options"] = {
            "discount": data.get("discount", ""),
            "guests": data.get("guests", ""),
            "use_credit": data.get("use_credit", ""),
        }
    for name in NO_BUYER:
        if f"buyer-{name}" in data:
            cart["buyer"][name] = data[f"buyer-{name}"]
    for number, payment in enumerate(cart["payments"]):
        prefix = f"pay-{number}-"
        for name in ("method", "amount", "reference"):
            if prefix + name in data:
                payment[name] = data[prefix + name]


def finish(cart: dict, invoice_id: int) -> dict:
    """Start the next bill for the next customer: empty, no customer, a new key.

    The customer just billed is cleared, so a walk-in is never billed to them; their packages stay
    on screen (with what the invoice took) until the next customer is picked.
    """
    fresh = new_cart(None)
    fresh["next_uid"] = cart["next_uid"]
    fresh["last_invoice_id"] = invoice_id
    fresh["last_customer_id"] = cart["customer_id"]
    fresh["seen_packages"] = cart.get("seen_packages", [])
    fresh["show_finished"] = cart.get("show_finished", False)
    return fresh


def remember_packages(cart: dict, state: "CounterState") -> bool:
    """Note the packages on screen, so one used up by this visit's bill stays in view; tell whether the cart changed."""
    seen = sorted({*cart.get("seen_packages", []), *(package.pk for package in state.packages)})
    if seen == cart.get("seen_packages"):
        return False
    cart["seen_packages"] = seen
    return True


def toggle_finished(cart: dict) -> None:
    cart["show_finished"] = not cart.get("show_finished", False)


@dataclass
class CounterState:
    """The cart bound to the page forms, and what the server made of it."""

    cart: dict
    customer: Customer | None
    packages: list[PackageAssignment]
    line_forms: list[tuple[dict, CartLineForm]]
    options: CounterForm
    payments: list[CounterPaymentForm]
    computation: BillComputation | None = None
    error: str = ""  # why there are no totals, in the cashier's words
    line_errors: dict[int, str] = field(default_factory=dict)  # uid -> the line's refusal
    payment_error: str = ""
    needs_method: bool = False
    buyer: CounterBuyerForm | None = None  # asked when GST Rule 46 needs what the customer lacks
    buyer_error: str = ""
    operations: dict = field(default_factory=dict)  # assignment id -> its after-sale menu (label, name, url)
    changed: int | None = None  # the package an after-sale page just changed
    previous_customer: Customer | None = None  # billed by the last invoice; `packages` are theirs while no one is picked

    @property
    def can_split_payment(self) -> bool:
        """Whether one more payment row may be added (a bill takes at most MAX_PAYMENTS)."""
        return len(self.payments) < MAX_PAYMENTS

    @property
    def results(self) -> list:
        """Each line with its form, the server's line as the API shows it (None without totals) and its refusal."""
        lines = self.computation.lines if self.computation else ()
        # What credit paid on the line is said on its badge ("Paid from Prepaid 15,000: ₹1,180").
        by_position = {result.line.position: {**result.as_json(), "credit_paid": result.credit_paid} for result in lines}
        return [
            (line, form, by_position.get(position), self.line_errors.get(line["uid"]) or _first_error(form))
            for position, (line, form) in enumerate(self.line_forms)
        ]

    @property
    def summary(self) -> dict | None:
        return self.computation.summary.as_json() if self.computation else None

    @property
    def summary_rows(self) -> list[tuple[str, str, str, str | None]]:
        """The summary panel, in order: field, words, style, amount (None without totals)."""
        summary = dict(self.summary or {})
        lines = [result.as_json() for result in self.computation.lines] if self.computation else []
        # CGST and SGST say their rates ("CGST 2.5%"); a discount package is named on the Discount row, and
        # what packages covered counts the sessions they paid for, as the receipt prints them.
        labels = tax_head_labels(lines) | {"discount": discount_label(lines)}
        if self.computation:
            summary["package_subtotal"] = money_str(covered_by_packages(lines))
        return [(name, labels.get(name, label), css, summary.get(name)) for name, label, css in SUMMARY_ROWS]

    @property
    def package_groups(self) -> list[tuple[str, list[dict]]]:
        """The customer's packages for the table: active, starting later, paused, just changed by an after-sale page, finished."""
        groups = {"Active": [], "Starts later": [], "Paused": [], "Just changed": [], "Finished": []}
        for assignment in self.packages:
            row = {**package_row(assignment), "menu": self.operations.get(assignment.pk, [])}
            group = {"active": "Active", "upcoming": "Starts later", "paused": "Paused"}.get(row["status"])
            groups[group or ("Just changed" if assignment.pk == self.changed else "Finished")].append(row)
        return [(name, rows) for name, rows in groups.items() if rows]

    @property
    def show_finished(self) -> bool:
        return bool(self.cart.get("show_finished"))

    @property
    def payments_left(self) -> Decimal | None:
        """What a split payment's typed amounts leave to collect (negative: too much); None when not split or unknown."""
        payable = self.computation.summary.amount_payable if self.computation else None
        typed = [form.cleaned_data.get("amount") for form in self.payments if form.is_valid()]
        if len(self.payments) < 2 or payable is None or payable <= 0 or len(typed) < len(self.payments):
            return None
        return payable - sum(amount for amount in typed if amount)

    @property
    def payments_take_rest(self) -> bool:
        """Whether a payment row has no amount (it takes what is left)."""
        return any(form.is_valid() and not form.cleaned_data.get("amount") for form in self.payments)

    @property
    def rule46_threshold(self) -> Decimal:
        return rule46_threshold()

    @property
    def grand_total(self) -> Decimal | None:
        return self.computation.summary.grand_total if self.computation else None

    @property
    def ready(self) -> bool:
        """Generate is offered only on fresh, error-free totals with every payment method chosen."""
        return (
            bool(self.computation)
            and not self.error
            and not self.payment_error
            and not self.needs_method
            and not self.buyer_error
        )



def _first_error(form) -> str:
    """The line's own field errors other than the quantity's (which shows under the quantity)."""
    for name, errors in form.errors.items():
        if name != "quantity":
            return errors[0]
    return ""


def _packages(customer: Customer | None, cart: dict, changed: int | None) -> list[PackageAssignment]:
    """The packages of use today; then those this visit showed (one just used up), or every finished one if asked."""
    if customer is None:
        return []
    packages = list(customer_packages(customer_id=customer.pk, on_date=timezone.localdate()))
    listed = {p.pk for p in packages}
    seen = set(cart.get("seen_packages", [])) - listed
    rest = customer_packages(customer_id=customer.pk).exclude(pk__in=listed)
    if cart.get("show_finished"):
        packages += list(rest)
    elif seen or (changed and changed not in listed):
        # pk=changed, not in a list: an id out of range (a typed URL) matches nothing instead of failing.
        packages += list(rest.filter(Q(pk__in=seen) | Q(pk=changed)))
    return packages


def _line_errors(error: DomainError, lines: list[dict]) -> tuple[dict[int, str], str]:
    """Put "Item N: ..." refusals on line N; return them and the rest as one text."""
    by_line, rest = {}, []
    for message in [m for messages in error.errors.values() for m in messages] or [error.message]:
        head, _, tail = message.partition(": ")
        if head.startswith("Item ") and head[5:].isdecimal() and 0 < int(head[5:]) <= len(lines):
            by_line[lines[int(head[5:]) - 1]["uid"]] = tail
        else:
            rest.append(message)
    return by_line, " ".join(rest)


def _cart_customer(cart: dict) -> tuple[Customer | None, Customer | None]:
    """The bill's customer, or (none chosen) the one billed last, whose packages the page still shows."""
    customer = Customer.objects.filter(pk=cart["customer_id"]).first() if cart["customer_id"] else None
    if customer is not None:
        return customer, None
    cart["customer_id"] = None
    last_id = cart.get("last_customer_id")
    return None, Customer.objects.filter(pk=last_id).first() if last_id else None


def _package_choices(packages: list, customer: Customer | None) -> list[tuple[str, str]]:
    """What a line may take its package from: the rules' best, none, or one of the customer's usable packages."""
    today = timezone.localdate()
    return [("", "Auto (best)"), ("0", "No package")] + [
        (str(p.pk), p.package_name)
        for p in packages
        if customer and p.status == AssignmentStatus.ACTIVE and not starts_later(p) and not p.is_expired_on(today)
    ]


def _line_forms(cart: dict, staff_choices, package_choices) -> list[tuple[dict, CartLineForm]]:
    return [
        (
            line,
            CartLineForm(
                {f"line-{line['uid']}-{name}": line[name] for name in ("quantity", "staff", "package")},
                prefix=f"line-{line['uid']}",
                staff_choices=staff_choices,
                package_choices=package_choices,
            ),
        )
        for line in cart["lines"]
    ]


def _cart_error(state: CounterState, *, forms_valid: bool) -> str:
    """Why the bill cannot be totalled yet ("" when it can)."""
    if state.customer is None:
        return "Choose a customer to start a bill."
    if not state.cart["lines"]:
        return "Add services or products to see the totals."
    if not forms_valid:
        return "Correct the marked fields to see the totals."
    return ""


def _check_payments(state: CounterState, *, payments_valid: bool) -> None:
    """Say what stops the payments from paying a bill with money to collect."""
    if state.computation.summary.amount_payable <= 0:
        return
    if not payments_valid:
        state.payment_error = "Correct the payment to issue the invoice."
    elif any(not form.cleaned_data["method"] for form in state.payments):
        state.needs_method = True
    else:
        try:
            payments_check(payments_of(state), state.computation)
        except DomainError as error:
            state.payment_error = error.message
        else:
            state.payment_error = _cash_refusal(state)


def evaluate(cart: dict, *, staff_choices, branch, changed: int | None = None) -> CounterState:
    """Bind the cart to the page forms and preview it (nothing written)."""
    customer, previous = _cart_customer(cart)
    staff_choices = staff_choices() if cart["lines"] and callable(staff_choices) else staff_choices
    packages = _packages(customer or previous, cart, changed)
    line_forms = _line_forms(cart, staff_choices, _package_choices(packages, customer))
    options = CounterForm(cart["options"])
    payments = [
        CounterPaymentForm({f"pay-{n}-{k}": v for k, v in payment.items()}, prefix=f"pay-{n}")
        for n, payment in enumerate(cart["payments"])
    ]
    state = CounterState(
        cart=cart, customer=customer, packages=packages, line_forms=line_forms, options=options, payments=payments,
        previous_customer=previous, changed=changed,
    )
    # Every form is validated (no short cut), so each shows its own errors.
    form_checks = [form.is_valid() for _, form in line_forms] + [options.is_valid()]
    payment_checks = [form.is_valid() for form in payments]
    state.error = _cart_error(state, forms_valid=all(form_checks))
    if state.error:
        return state
    try:
        state.computation = invoice_preview(
            customer=customer, items=items_of(state), branch=branch, **options_of(state)
        )
    except DomainError as error:
        state.line_errors, state.error = _line_errors(error, cart["lines"])
        state.error = state.error or "Correct the marked lines to see the totals."
        return state
    _ask_buyer(state)
    _check_payments(state, payments_valid=all(payment_checks))
    return state


def _ask_buyer(state: CounterState) -> None:
    """Ask for the address and state GST Rule 46 needs on this bill when the customer has none on file."""
    customer, total = state.customer, state.computation.summary.grand_total
    if not buyer_details_missing(customer, total):
        return
    typed = state.cart["buyer"]
    state.buyer = CounterBuyerForm(
        {
            "buyer-address": typed["address"] or customer.address,
            "buyer-state_code": typed["state_code"] or customer.state_code,
        },
        prefix="buyer",
    )
    missing = buyer_details_missing(customer, total, buyer_of(state))
    if not state.buyer.is_valid():
        state.buyer_error = "Correct the customer's address and state to issue the invoice."
    elif missing:
        state.buyer_error = rule46_message(missing)


def _cash_refusal(state: CounterState) -> str:
    """Why the cash typed would break the day's cash limit for this customer (Income-tax s.269ST), or ""."""
    cash = cash_in(payments_of(state), state.computation.summary.amount_payable)
    return cash_limit_refusal(customer=state.customer, cash=cash, day=timezone.localdate())


def buyer_of(state: CounterState) -> BuyerDetails | None:
    """The address and state typed on the counter (None when they were not asked for, or do not validate)."""
    if state.buyer is None or not state.buyer.is_valid():
        return None
    return BuyerDetails(**state.buyer.cleaned_data)


def items_of(state: CounterState) -> list[CartItem]:
    items = []
    for line, form in state.line_forms:
        package = form.cleaned_data["package"]
        items.append(
            CartItem(
                type=line["type"],
                id=line["id"],
                quantity=form.cleaned_data["quantity"],
                staff_id=form.cleaned_data["staff"],
                assignment_id=int(package) if package != "" else None,
            )
        )
    return items


def options_of(state: CounterState) -> dict:
    data = state.options.cleaned_data
    return {
        "discount": data["discount"] or Decimal("0.00"),
        "guests": data["guests"],
        "use_credit": data["use_credit"],
    }


def payments_of(state: CounterState) -> list[PaymentIn]:
    if state.computation is not None and state.computation.summary.amount_payable <= 0:
        return []
    return [
        PaymentIn(method=form.cleaned_data["method"], amount=form.cleaned_data["amount"], reference=form.cleaned_data["reference"])
        for form in state.payments
    ]
