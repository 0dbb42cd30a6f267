"""Count what a CI step passed and failed; prints "PASSED FAILED" for .ci/run to add up.

    python3 .ci/count.py junit REPORT.xml EXIT_STATUS        # a pytest run (--junitxml)
    python3 .ci/count.py schemathesis OUTPUT.log EXIT_STATUS # a schemathesis 4 run's output

A step that exited non-zero without any counted failure (nothing collected, a crash, a
server that never started) counts as one failure, so a broken step can never add up to
"0 failed". Standard library only: it runs before and without the project's venv.
"""
import re
import sys
import xml.etree.ElementTree as ET


def junit(path: str) -> tuple[int, int]:
    """Passed and failed test cases in a pytest JUnit XML report (a test is counted once, by its worst outcome)."""
    outcome: dict[tuple[str, str], int] = {}  # 0 passed, 1 skipped, 2 failed
    for case in ET.parse(path).getroot().iter("testcase"):
        tags = {child.tag for child in case}
        worst = 2 if tags & {"failure", "error"} else 1 if "skipped" in tags else 0
        key = (case.get("classname", ""), case.get("name", ""))
        outcome[key] = max(outcome.get(key, 0), worst)
    values = list(outcome.values())
    return values.count(0), values.count(2)


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def schemathesis(path: str) -> tuple[int, int]:
    """Test cases from the "Test cases:" block of schemathesis 4's summary.

    "3482 generated, 3482 passed" or "3482 generated, 12 found 3 unique failures, 2 errored,
    5 skipped": passed = generated - with failures - errored - skipped; failed = with failures + errored.
    """
    with open(path, encoding="utf-8", errors="replace") as log:
        text = ANSI.sub("", log.read())
    block = text.rpartition("Test cases:")[2]
    generated = re.search(r"(\d+) generated", block)
    if generated is None:
        return 0, 0
    failing = re.search(r"(\d+) found \d+ unique failures?", block)
    errored = re.search(r"(\d+) errored", block)
    skipped = re.search(r"(\d+) skipped", block)
    failed = (int(failing.group(1)) if failing else 0) + (int(errored.group(1)) if errored else 0)
    passed = int(generated.group(1)) - failed - (int(skipped.group(1)) if skipped else 0)
    return max(passed, 0), failed


def main(kind: str, path: str, status: str) -> None:
    try:
        passed, failed = {"junit": junit, "schemathesis": schemathesis}[kind](path)
    except (OSError, ET.ParseError) as exc:
        print(f"count.py: no {kind} report in {path}: {exc}", file=sys.stderr)
        passed, failed = 0, 0
    if int(status) != 0 and failed == 0:
        failed = 1
    if int(status) == 0 and passed + failed == 0:
        failed = 1  # "passed" with nothing counted: the report is missing, do not trust the step
    print(passed, failed)


if __name__ == "__main__":
    main(*sys.argv[1:])
