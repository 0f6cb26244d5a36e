"""Stance models: an article body toward a headline (FNC-1's labels), a headline toward a claim
(for / against / observing), and the grouping of headlines into claims.

Trained by ``scripts/train_stance.py`` from the public data in ../shared/data; the weights shipped
under ``models/`` are small plain files (JSON, compressed arrays, LightGBM's text format)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .body import BodyStanceModel
from .headline import HeadlineClusterer, HeadlineStanceModel

MODEL_DIR = Path(__file__).parent / "models"
HEADLINE_DIR = MODEL_DIR / "headline"
BODY_DIR = MODEL_DIR / "body"


@lru_cache(maxsize=1)
def headline_stance_model() -> HeadlineStanceModel:
    return HeadlineStanceModel.load(HEADLINE_DIR)


@lru_cache(maxsize=1)
def headline_clusterer() -> HeadlineClusterer:
    return HeadlineClusterer.load(HEADLINE_DIR)


@lru_cache(maxsize=1)
def body_stance_model() -> BodyStanceModel:
    return BodyStanceModel.load(BODY_DIR)
