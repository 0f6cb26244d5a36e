from datetime import date

import pytest

from claimledger.extraction.dates import resolve_date

TUESDAY = date(2024, 10, 22)


@pytest.mark.parametrize("text,expected", [
    ("Monday", "2024-10-21"), ("on Monday", "2024-10-21"), ("Sunday", "2024-10-20"),
    ("Tuesday", "2024-10-22"), ("last Tuesday", "2024-10-15"), ("next Friday", "2024-10-25"),
    ("Wednesday", "2024-10-16"), ("yesterday", "2024-10-21"), ("Oct. 18", "2024-10-18"),
    ("October 18, 2023", "2023-10-18"), ("18 October 2024", "2024-10-18"), ("October 2024", "2024-10"),
    ("2024", "2024"), ("2024-09-30", "2024-09-30"), ("December", "2023-12"), ("recent weeks", None),
])
def test_resolve_date_against_published(text, expected):
    assert resolve_date(text, TUESDAY) == expected


def test_resolve_weekday_needs_a_publication_date():
    assert resolve_date("on Monday", None) is None
    assert resolve_date("October 18, 2023", None) == "2023-10-18"


@pytest.mark.parametrize("sentence,value,approximate,unit", [
    ("The agency said approximately 12,000 special forces will be sent.", 12000, True, "special forces"),
    ("About 1,500 soldiers have already moved.", 1500, True, "soldiers"),
    ("Some 200 residents were told to stay indoors.", 200, True, "residents"),
    ("More than 3,000 troops arrived last week.", 3000, True, "troops"),
    ("Up to 10,000 soldiers could follow.", 10000, True, "soldiers"),
    ("Officials counted 40 tonnes of fertiliser in the river.", 40, False, "tonnes"),
])
def test_quantities(extract_text, sentence, value, approximate, unit):
    quantities = extract_text(sentence).quantities
    assert quantities, sentence
    quantity = quantities[0]
    assert (quantity.value, quantity.approximate, quantity.unit) == (value, approximate, unit)
    assert sentence[quantity.span[0]:quantity.span[1]] == quantity.text
