"""The shop's clock for the journal tests: noon IST on the day a test moves it to."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

START = date(2026, 10, 1)  # a Thursday


def noon(day: date) -> datetime:
    """Noon of `day` in the shop's time zone: the middle of its business day."""
    return datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def clock():
    """The shop's clock, from noon on 1 October 2026, moved on by the test."""
    with time_machine.travel(noon(START), tick=False) as traveller:
        yield traveller
