"""Shared fixtures: the default pipeline is loaded once per test session."""

import pytest

from claimledger import load_model


@pytest.fixture(scope="session")
def nlp():
    return load_model()


@pytest.fixture(scope="session")
def extract_text(nlp):
    from claimledger import extract

    def run(text, published=None):
        return extract(text, published=published, nlp=nlp)

    return run
