"""The layers stay apart: the learned models (``claimledger.ml``) sit below extraction, the ledger, the
store and the evaluations, and import none of them, so a model can be loaded, trained and tested alone."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "claimledger"
ABOVE_ML = ("extraction", "ledger", "store", "evaluation", "interfaces", "ingest", "watch", "distributed", "training")


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports, relative imports resolved to absolute ``claimledger.`` names."""
    package = ["claimledger", *path.relative_to(PACKAGE).parent.parts]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found += [module] if node.module else [f"{module}.{alias.name}" for alias in node.names]
    return found


def test_ml_imports_no_layer_above_it():
    offending = [(path.name, module) for path in sorted((PACKAGE / "ml").rglob("*.py"))
                 for module in imported_modules(path)
                 if any(module == f"claimledger.{layer}" or module.startswith(f"claimledger.{layer}.")
                        for layer in ABOVE_ML)]
    assert offending == []


def test_the_import_walk_resolves_relative_imports(tmp_path):
    # The walk itself must see a relative import of a layer above, or the test above could never fail.
    assert imported_modules(PACKAGE / "ledger" / "article_stance.py").count("claimledger.errors") == 1
    assert "claimledger.ml.stance" in imported_modules(PACKAGE / "ledger" / "article_stance.py")
    assert "claimledger.ml.encoder" in imported_modules(PACKAGE / "ml" / "stance.py")


def test_every_shipped_weights_folder_says_how_it_was_made():
    import json

    folders = [f for f in sorted((PACKAGE / "ml" / "weights").iterdir()) if f.is_dir()]
    assert {f.name for f in folders} >= {"span_tagger", "stance", "headline_clusters"}
    for folder in folders:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        assert meta["command"].startswith("python -m claimledger.training."), folder.name
        assert meta["data"] and any(key.startswith("dev") for key in meta), folder.name
