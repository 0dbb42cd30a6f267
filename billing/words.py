"""Amounts in words, the Indian way (lakh, crore): 'Rupees One Thousand Eight Hundred Eighty-Eight Only'."""
from decimal import Decimal

from num2words import num2words

from core.money import quantize_money


def number_in_words(number: int) -> str:
    """Spell a whole number with crore, lakh and thousand, in the receipt's title case."""
    # num2words writes "one lakh, five thousand, four hundred and eighty"; receipts print
    # "One Lakh Five Thousand Four Hundred Eighty", without the commas and the "and".
    words = num2words(number, lang="en_IN").replace(",", "").split()
    return " ".join(word for word in words if word != "and").title()


def amount_in_words(amount) -> str:
    """Spell a rupee amount, with paise when there are any."""
    amount = quantize_money(Decimal(amount))
    sign = "Minus " if amount < 0 else ""
    rupees, paise = divmod(int(abs(amount) * 100), 100)
    text = f"{sign}Rupees {number_in_words(rupees)}"
    if paise:
        text += f" and {number_in_words(paise)} Paise"
    return text + " Only"
