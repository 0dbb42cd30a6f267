"""How a stored phone number is shown: +91 98450 12345 (stored as +919845012345)."""
import re

_INDIAN_MOBILE = re.compile(r"^\+91(\d{5})(\d{5})$")


def format_phone(phone: str | None) -> str:
    """Write an Indian mobile as +91 98450 12345; any other number as stored."""
    if not phone:
        return ""
    if match := _INDIAN_MOBILE.match(phone):
        return f"+91 {match[1]} {match[2]}"
    return phone
