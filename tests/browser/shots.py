"""The screenshots of the README and docs/manual.md, drawn by the browser tests that reach each page's state."""
import os
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def save_screenshot(page, name: str, **options) -> None:
    """Redraw docs/screenshots/<name> when SCREENSHOTS=1 (`make screenshots`); a plain run leaves docs/ alone."""
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / name), **options)
