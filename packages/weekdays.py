"""Parse weekday lists such as "Mon-Fri" or "Mon,Wed,Sat"."""
from datetime import date

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _day_index(token: str) -> int:
    key = token.strip()[:3].title()
    if key not in WEEKDAYS:
        raise ValueError(f'Unknown weekday "{token.strip()}"; use Mon, Tue, Wed, Thu, Fri, Sat or Sun.')
    return WEEKDAYS.index(key)


def parse_valid_days(text: str) -> tuple[str, ...]:
    """Return the weekdays named by `text`, in week order ("Mon-Fri" -> Mon..Fri)."""
    days: set[int] = set()
    for part in (text or "").split(","):
        if not part.strip():
            continue
        if "-" in part:
            first, last = part.split("-", 1)
            start, end = _day_index(first), _day_index(last)
            index = start
            days.add(index)
            while index != end:
                index = (index + 1) % 7
                days.add(index)
        else:
            days.add(_day_index(part))
    return tuple(WEEKDAYS[index] for index in sorted(days))


def is_valid_day(valid_days: str, on_date: date) -> bool:
    """Tell whether `on_date` falls on one of the weekdays `valid_days` names."""
    return WEEKDAYS[on_date.weekday()] in parse_valid_days(valid_days)
