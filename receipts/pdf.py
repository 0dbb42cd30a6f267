"""Render a receipt to PDF with xhtml2pdf, the rupee sign set in an embedded DejaVu Sans.

xhtml2pdf's built-in fonts have no U+20B9, and it reads local files only under the
working directory unless told otherwise; a refused font is only a log warning and the
text silently falls back to Helvetica. So the font paths are absolute and the resource
policy names their directory explicitly (the working directory differs under gunicorn).
"""
from io import BytesIO
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from .models import Receipt
from .qr import receipt_qr_codes
from .selectors import receipt_document

FONT_FILES = {"regular": "fonts/DejaVuSans.ttf", "bold": "fonts/DejaVuSans-Bold.ttf"}


class PDFRenderError(RuntimeError):
    """xhtml2pdf reported errors while rendering."""


def font_paths() -> dict[str, Path]:
    """Return the absolute paths of the shipped DejaVu Sans fonts."""
    paths = {}
    for style, name in FONT_FILES.items():
        found = finders.find(name)
        if not found:
            raise PDFRenderError(f"The font {name} is missing from the static files.")
        paths[style] = Path(found).resolve()
    return paths


def thermal_length_mm(context: dict) -> int:
    """Return a roll length that fits the document (a roll has no fixed page length)."""
    length = 145 + 12 * (len(context["packages"]) + len(context["payments"]))
    for line in context["lines"]:
        length += 14 + (10 if line["tax_note"] else 8 * bool(line["package_name"]))
        length += 8 * bool(line["package_note"] and context["is_advance"])
    return length


def render_receipt_pdf(receipt: Receipt, *, paper: str = "a4") -> bytes:
    """Return the PDF bytes of a receipt on A4 or on an 80 mm thermal roll."""
    fonts = font_paths()
    context = receipt_document(receipt)
    context.update(
        paper=paper,
        for_pdf=True,
        font_regular=fonts["regular"].as_posix(),
        font_bold=fonts["bold"].as_posix(),
        thermal_length_mm=thermal_length_mm(context) + (40 if paper == "thermal" else 0),
        qr_codes=receipt_qr_codes(receipt),
    )
    html = render_to_string("receipts/receipt_pdf.html", context)
    policy = ResourceAccessPolicy(
        allow_remote=False,
        base_dir=fonts["regular"].parent,
        extra_roots=tuple({path.parent for path in fonts.values()}),
    )
    output = BytesIO()
    result = pisa.CreatePDF(html, dest=output, encoding="utf-8", resource_policy=policy)
    if result.err:
        raise PDFRenderError(f"xhtml2pdf reported {result.err} error(s) rendering {receipt.number}.")
    return output.getvalue()
