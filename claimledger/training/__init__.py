"""Every training script, one module each (``python -m claimledger.training.NAME``), and the readers of
the labelled corpora they learn from.  Training reads ``../shared/data`` and writes the weights and
meta.json that ``claimledger.ml`` ships; nothing here is imported at run time."""
