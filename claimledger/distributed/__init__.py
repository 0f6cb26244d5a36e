"""Extraction on a Spark cluster (``claimledger batch``) and loading its Parquet output into a ledger
(``claimledger load``).  Only ``spark_batch`` needs pyspark, and imports it inside its functions."""
