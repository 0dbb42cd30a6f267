"""Amounts in words, the Indian way (lakh, crore): 'Rupees One Thousand Eight Hundred Eighty-Eight Only'."""
from decimal import Decimal

from spa_pkg.money import quantize_money

ONES = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"]
TENS = ["_", "_", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]


def _below_hundred(number: int) -> str:
    if number < 20:
        return ONES[number]
    tens, ones = divmod(number, 10)
    return TENS[tens] + (f"-{ONES[ones]}" if ones else "")


def _below_thousand(number: int) -> str:
    hundreds, rest = divmod(number, 100)
    parts = []
    if hundreds:
        parts.append(f"{ONES[hundreds]} Hundred")
    if rest:
        parts.append(_below_hundred(rest))
    return " ".join(parts)


def number_in_words(number: int) -> str:
    """Spell a whole number with crore, lakh and thousand."""
    if number == 0:
        return "Zero"
    parts = []
    for size, name in ((10**7, "Crore"), (10**5, "Lakh"), (10**3, "Thousand")):
        count, number = divmod(number, size)
        if count:
            parts.append(f"{number_in_words(count)} {name}")
    if number:
        parts.append(_below_thousand(number))
    return " ".join(parts)


def amount_in_words(amount) -> str:
    """Spell a rupee amount, with paise when there are any."""
    amount = quantize_money(Decimal(amount))
    sign = "Minus " if amount < 0 else ""
    amount = abs(amount)
    rupees = int(amount)
    paise = int((amount - rupees) * 100)
    text = f"{sign}Rupees {number_in_words(rupees)}"
    if paise:
        text += f" and {_below_hundred(paise)} Paise"
    return text + " Only"
