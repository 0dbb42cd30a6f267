"""Django's format module for English (India), LANGUAGE_CODE "en-in"; Django ships none.

Dates read day month year ("23 May 2027"), times on a 12-hour clock ("1:10 PM"), numbers in
lakh groups (1,05,400) and typed dates as dd-mm-yyyy, whatever the browser's locale.
"""
DATE_FORMAT = "j M Y"  # 23 May 2027
TIME_FORMAT = "g:i A"  # 1:10 PM
DATETIME_FORMAT = "j M Y, g:i A"  # 23 May 2027, 1:10 PM
YEAR_MONTH_FORMAT = "M Y"  # May 2027
MONTH_DAY_FORMAT = "j M"  # 23 May
SHORT_DATE_FORMAT = "d-m-Y"  # 23-05-2027
SHORT_DATETIME_FORMAT = "d-m-Y g:i A"  # 23-05-2027 1:10 PM
FIRST_DAY_OF_WEEK = 1  # Monday

# The first format is the one the admin's date widget writes; ISO stays accepted.
DATE_INPUT_FORMATS = [
    "%d-%m-%Y",  # 23-05-2027
    "%d/%m/%Y",  # 23/05/2027
    "%d.%m.%Y",  # 23.05.2027
    "%Y-%m-%d",  # 2027-05-23
    "%d %b %Y",  # 23 May 2027
    "%d %B %Y",  # 23 May 2027 (full month)
]
DATETIME_INPUT_FORMATS = [
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M", "%I:%M %p"]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = (3, 2, 0)  # 1,05,400: thousands, then lakhs and crores in pairs
