"""The raw-SQL baseline: what one invoice writes, in one psycopg transaction, without the ORM.

It is the yardstick `invoice_create` is measured against (the ratio of their bills per
second, same process, same database, same kind of cart). It does what the invoice must do
to be right, and no more: read the catalogue prices, lock the customer's service packages
in id order, take the stock with a guarded UPDATE, take the financial year's INV and REC numbers
in one upsert, and insert the receipt, the invoice, its lines, the ledger row, the payment,
and update the package and its tracker. The tax is a flat 5 % split in two: the point is
the statements and the round trips, not the GST rules (those are tested elsewhere).

PostgreSQL only (psycopg 3); SQLite runs in-process, where there is no round trip to save.
"""
from __future__ import annotations

import json
import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def tables() -> dict[str, str]:
    """Return the table names from the models, so the SQL follows a renamed table."""
    from billing.models import Invoice, InvoiceLine, NumberSequence, Payment
    from catalog.models import Product, Service
    from packages.models import PackageAssignment, PackageBenefitTracker, PackageUsage
    from receipts.models import Receipt

    models = {
        "invoice": Invoice, "line": InvoiceLine, "sequence": NumberSequence, "payment": Payment,
        "product": Product, "service": Service, "assignment": PackageAssignment,
        "tracker": PackageBenefitTracker, "usage": PackageUsage, "receipt": Receipt,
    }
    return {name: model._meta.db_table for name, model in models.items()}


def connect(url: str):
    import psycopg

    return psycopg.connect(url.replace("postgres://", "postgresql://", 1))


TWO = Decimal("0.01")


def raw_bill(
    connection, t: dict[str, str], cart, cashier_id: int, day: date, *, branch: tuple[int, str]
) -> float:
    """Issue one invoice in raw SQL at `branch` (id, code), numbered in its series; return its latency in seconds."""
    branch_id, code = branch
    customer_id, items = cart
    service_ids = [pk for kind, pk, _ in items if kind == "service"]
    product_ids = [pk for kind, pk, _ in items if kind == "product"]
    started = time.perf_counter()
    with connection.transaction(), connection.cursor() as cur:
        catalogue = {}
        for kind, table, ids in (("service", t["service"], service_ids), ("product", t["product"], product_ids)):
            if ids:
                for pk, name, price in cur.execute(f"SELECT id, name, price FROM {table} WHERE id = ANY(%s)", [ids]):
                    catalogue[(kind, pk)] = (name, price)
        held = cur.execute(
            f"SELECT id, service_id, remaining_sessions, value_held, branch_id FROM {t['assignment']} WHERE customer_id = %s "
            "AND status = 'active' AND package_type = 'service_package' ORDER BY id FOR UPDATE",
            [customer_id],
        ).fetchall()
        for product_id in product_ids:
            if cur.execute(
                f"UPDATE {t['product']} SET stock_quantity = stock_quantity - 1 WHERE id = %s AND stock_quantity >= 1",
                [product_id],
            ).rowcount != 1:
                raise RuntimeError("out of stock")
        year = day.year if day.month >= 4 else day.year - 1  # the financial year, as billing.numbering keys it
        numbers = dict(
            cur.execute(
                f"INSERT INTO {t['sequence']} (branch_id, series, financial_year, last_value) VALUES (%s, 'INV', %s, 1), "
                f"(%s, 'REC', %s, 1) ON CONFLICT (branch_id, series, financial_year) "
                f"DO UPDATE SET last_value = {t['sequence']}.last_value + 1 RETURNING series, last_value",
                [branch_id, year, branch_id, year],
            ).fetchall()
        )
        invoice_number = f"{code}INV-{day:%Y%m%d}-{numbers['INV']:04d}"
        receipt_number = f"{code}REC-{day:%Y%m%d}-{numbers['REC']:04d}"
        lines, covered = [], None
        for position, (kind, pk, quantity) in enumerate(items):
            name, price = catalogue[(kind, pk)]
            package = next((row for row in held if kind == "service" and row[1] == pk and row[2] > 0), None)
            if package and covered is None:
                covered = (package, position, name)
                lines.append((position, kind, pk, name, quantity, price, Decimal("0.00"), package[0]))
            else:
                lines.append((position, kind, pk, name, quantity, price, (price * Decimal("0.05")).quantize(TWO), None))
        total = sum(line[5] + line[6] for line in lines if line[7] is None)
        snapshot = {
            "number": receipt_number, "invoice_number": invoice_number, "customer": customer_id,
            "lines": [{"name": line[3], "quantity": line[4], "price": str(line[5])} for line in lines],
            "total": str(total),
        }
        receipt_id = cur.execute(
            f"INSERT INTO {t['receipt']} (number, branch_id, kind, customer_id, amount_currency, amount, issued_at, "
            "snapshot, created_by_id) VALUES (%s, %s, 'tax_invoice', %s, 'INR', %s, now(), %s, %s) RETURNING id",
            [receipt_number, branch_id, customer_id, total, json.dumps(snapshot), cashier_id],
        ).fetchone()[0]
        money = ", ".join(f"{name}_currency, {name}" for name in (
            "package_subtotal", "services_subtotal", "products_subtotal", "subtotal", "discount", "cgst", "sgst",
            "igst", "round_off", "grand_total", "credit_applied", "amount_payable",
        ))
        amounts = [total, total, Decimal("0"), total, Decimal("0"), total / 2, total / 2, Decimal("0"),
                   Decimal("0"), total, Decimal("0"), total]
        invoice_id = cur.execute(
            f"INSERT INTO {t['invoice']} (number, branch_id, kind, status, customer_id, bill_date, issued_at, "
            f"cashier_id, place_of_supply, {money}, cancel_reason, notes, request_fingerprint, receipt_id) VALUES "
            f"(%s, %s, 'sale', 'issued', %s, %s, now(), %s, '', {', '.join(['%s, %s'] * 12)}, '', '', '', %s) "
            "RETURNING id",
            [invoice_number, branch_id, customer_id, day, cashier_id,
             *[value for amount in amounts for value in ("INR", amount)], receipt_id],
        ).fetchone()[0]
        money_columns = ("unit_price", "gross", "discount", "benefit_discount", "taxable_value", "cgst", "sgst",
                         "igst", "total")
        columns = ["invoice_id", "position", "line_type", "service_id", "product_id", "name", "hsn_sac", "quantity",
                   *[column for name in money_columns for column in (f"{name}_currency", name)],
                   "gst_rate", "assignment_id", "benefit_type", "quantity_covered", "package_note"]
        rows = []
        for position, kind, pk, name, quantity, price, tax, assignment_id in lines:
            free = assignment_id is not None
            amounts = [price, price, price if free else 0, price if free else 0, 0 if free else price,
                       tax / 2, tax / 2, 0, 0 if free else price + tax]
            rows.append([
                invoice_id, position, kind, pk if kind == "service" else None, pk if kind == "product" else None,
                name, "", quantity, *[value for amount in amounts for value in ("INR", amount)],
                Decimal("5.00"), assignment_id, "free" if free else "", 1 if free else 0, "",
            ])
        placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
        line_ids = [
            row[0] for row in cur.execute(
                f"INSERT INTO {t['line']} ({', '.join(columns)}) VALUES {', '.join([placeholder] * len(rows))} "
                "RETURNING id",
                [value for row in rows for value in row],
            ).fetchall()
        ]
        if covered is not None:
            (assignment_id, _, remaining, value_held, home_branch_id), position, name = covered
            # The value journal's columns too (docs/journal.md): one session of `remaining` releases its share.
            released = value_held if remaining <= 1 else (value_held / remaining).quantize(Decimal("0.01"), ROUND_HALF_UP)
            # And what the liability counts (docs/journal.md "The snapshot"): the value after, holders, sessions held.
            after = value_held - released
            holders = int(after > 0) - int(value_held > 0)
            sessions_held = (remaining - 1 if after > 0 else 0) - (remaining if value_held > 0 else 0)
            cur.execute(
                f"INSERT INTO {t['usage']} (assignment_id, branch_id, kind, item_name, quantity, value_currency, value, "
                "sessions_delta, sessions_before, sessions_after, credit_delta_currency, credit_delta, "
                "credit_before_currency, credit_before, credit_after_currency, credit_after, invoice_number, "
                "invoice_line_id, note, created_at, created_by_id, event, business_day, value_delta_currency, "
                "value_delta, package_type, home_branch_id, value_after_currency, value_after, holders_delta, "
                "sessions_held_delta, credit_held_delta_currency, credit_held_delta) VALUES "
                "(%s, %s, 'redeem', %s, 1, 'INR', %s, -1, %s, %s, 'INR', 0, 'INR', 0, 'INR', 0, %s, %s, '', now(), %s, "
                "'redemption', %s, 'INR', %s, 'service_package', %s, 'INR', %s, %s, %s, 'INR', 0)",
                [assignment_id, branch_id, name, lines[position][5], remaining, remaining - 1, invoice_number,
                 line_ids[position], cashier_id, day, -released, home_branch_id, after, holders, sessions_held],
            )
            cur.execute(
                f"UPDATE {t['assignment']} SET used_sessions = used_sessions + 1, "
                "remaining_sessions = remaining_sessions - 1, value_held = value_held - %s, updated_at = now() "
                "WHERE id = %s",
                [released, assignment_id],
            )
            cur.execute(
                f"UPDATE {t['tracker']} SET used_count = used_count + 1, remaining_count = remaining_count - 1, "
                "updated_at = now() WHERE package_assignment_id = %s AND benefit_type = 'free'",
                [assignment_id],
            )
        cur.execute(
            f"INSERT INTO {t['payment']} (customer_id, invoice_id, receipt_id, method, amount_currency, amount, "
            "reference, received_at, received_by_id) VALUES (%s, %s, %s, 'cash', 'INR', %s, '', now(), %s)",
            [customer_id, invoice_id, receipt_id, total, cashier_id],
        )
    return time.perf_counter() - started
