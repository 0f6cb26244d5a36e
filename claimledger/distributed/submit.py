"""The script ``spark-submit`` runs: ``spark-submit [options] submit.py INPUT... OUTPUT [--partitions N]``
is ``claimledger batch`` on the master and resources spark-submit was given (docs/spark.md).

spark-submit runs it as a file, not a module, hence the absolute import."""

import sys

from claimledger.interfaces.cli import app

if __name__ == "__main__":
    app(["batch", *sys.argv[1:]], prog_name="claimledger batch")
