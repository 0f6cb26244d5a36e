"""Extraction: spaCy components that read statements, entities, dates, quantities and places."""
