"""Evaluation against public labelled data in ../shared/data (never copied in)."""
