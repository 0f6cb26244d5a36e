"""Learned parts of the extraction: model definitions, their training scripts and shipped weights."""
