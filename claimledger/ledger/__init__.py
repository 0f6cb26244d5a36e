"""The ledger across articles: near-duplicate copies, claims, independence of sources."""
