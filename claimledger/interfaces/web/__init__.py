"""The web UI and HTTP API (FastAPI) over a ledger; ``app.create_app`` builds it."""
