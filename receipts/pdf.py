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


def render_receipt_pdf(receipt: Receipt, *, paper: str = "a4") -> bytes:
    """Return the PDF bytes of a receipt on A4 or on an 80 mm thermal roll."""
    fonts = font_paths()
    context = receipt_document(receipt)
    context.update(
        paper=paper,
        font_regular=fonts["regular"].as_posix(),
        font_bold=fonts["bold"].as_posix(),
        # A roll has no fixed length: give the page room for the lines it prints.
        thermal_length_mm=110 + 14 * len(context["lines"]) + 8 * (len(context["packages"]) + len(context["payments"])),
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
