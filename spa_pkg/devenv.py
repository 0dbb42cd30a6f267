"""Write a development `.env` beside manage.py unless one exists: `python -m spa_pkg.devenv [directory]`.

`make run` calls it first, so the management commands of docs/operations.md (housekeeping, cron) work as
written on a laptop: spa_pkg/settings.py reads `.env` (django-environ; the environment wins) and
refuses to start without SECRET_KEY when DEBUG is off. An existing `.env` is never touched.
"""

import secrets
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

TEMPLATE = """\
# Written by `make run` (python -m spa_pkg.devenv) for development on this machine. Never deploy it.
# spa_pkg/settings.py reads this file; variables set in the environment win. See docs/operations.md, Settings.
DEBUG=true
SECRET_KEY={key}
"""


def write_dev_env(directory: Path = PROJECT) -> tuple[Path, bool]:
    """Create `directory/.env` with DEBUG=true and a fresh random key; return (path, whether it was written)."""
    path = Path(directory) / ".env"
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": an existing file is never overwritten
            handle.write(TEMPLATE.format(key=secrets.token_urlsafe(50)))
    except FileExistsError:
        return path, False
    return path, True


def main(argv: list[str]) -> int:
    path, written = write_dev_env(Path(argv[0]) if argv else PROJECT)
    if written:
        print(f"  Wrote {path.name} for development (DEBUG=true, a new SECRET_KEY); management commands read it.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
