"""Shared fixtures: the default pipeline is loaded once per test session."""

import socket
import threading
import time
from contextlib import contextmanager

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


@contextmanager
def live_server(app):
    """Serve an ASGI app with uvicorn on a free loopback port, in a thread; yields its base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not instance.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)
