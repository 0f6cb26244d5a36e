"""The shipped models run through ONNX Runtime exports of their torch modules: the exports must read
exactly as torch does (padded batches of uneven lengths included), and be made once, where the cache says."""

import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnxruntime")

from claimledger.ml import onnx_runtime  # noqa: E402
from claimledger.ml.encoder import SentenceEmbedder, load_transformers, mean_pooled  # noqa: E402
from claimledger.ml.stance import (WEIGHTS_DIR, WEIGHTS_FILE, StanceModel, build_model,  # noqa: E402
                                   is_trained, shipped_model)
from claimledger.ml.stored_weights import load_into  # noqa: E402
from claimledger.errors import StanceModelUnavailable  # noqa: E402

CLAIMS = ["North Korea has sent special forces troops to Russia", "Bratova was fined", "Troops"]
TEXTS = ["North Korea did not send special forces troops to Russia. The story is a hoax. It is false.",
         "The regulator fined Bratova on Tuesday, a spokesman said.",
         "A long report on the war in Ukraine and its many fronts. " * 20]


def test_the_exported_stance_model_reads_pairs_as_its_torch_module_does():
    _, transformers, encoder_dir = load_transformers(StanceModelUnavailable)
    module = build_model(torch, transformers, encoder_dir)
    load_into(torch, module, WEIGHTS_DIR, WEIGHTS_FILE, is_trained, "stance", quantize=False)
    exported = shipped_model().probabilities(CLAIMS, TEXTS)
    in_torch = StanceModel(model=module).probabilities(CLAIMS, TEXTS)
    assert exported.shape == (3, 4)
    assert np.abs(exported - in_torch).max() < 1e-4
    assert np.allclose(exported.sum(axis=1), 1.0, atol=1e-5)


def test_the_exported_embedder_gives_the_mean_pooled_unit_vectors_of_the_encoder():
    embedder = SentenceEmbedder()
    texts = ["North Korea sent troops.", *TEXTS, "x"]
    vectors = embedder(texts, remember=False)
    _, transformers, encoder_dir = load_transformers(StanceModelUnavailable)
    module = mean_pooled(torch, transformers, encoder_dir).eval()
    with torch.inference_mode():
        for text, vector in zip(texts, vectors):
            ids = torch.tensor([embedder.piece_ids([text])[0]])
            expected = module(ids, torch.ones_like(ids)).numpy()[0]
            assert np.abs(vector - expected).max() < 1e-4
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(embedder(texts[:2]), embedder(texts[:2]))  # remembered texts read the same


def toy_export(key: str, builds: str):
    """A toy model's export (the child process of ``onnx_runtime.exported`` calls this by name); each
    build appends its process id to the file ``builds``."""
    def build():
        with open(builds, "a") as out:
            out.write(f"{os.getpid()}\n")
        return torch.nn.Linear(4, 2), {"rows": np.zeros((1, 4), np.float32)}, ["out"]

    return onnx_runtime.exported("toy", key, build, StanceModelUnavailable, (__name__, "toy_export", key, builds))


def test_a_model_is_exported_once_into_the_cache_folder_by_a_child_process(tmp_path, monkeypatch):
    cache, builds = tmp_path / "cache", tmp_path / "builds"
    monkeypatch.setenv(onnx_runtime.CACHE_ENV, str(cache))
    first = onnx_runtime.session(toy_export("k1", str(builds)), StanceModelUnavailable)
    second = onnx_runtime.session(toy_export("k1", str(builds)), StanceModelUnavailable)
    made_by = builds.read_text().split()
    assert len(made_by) == 1 and made_by[0] != str(os.getpid())
    assert [p.name for p in cache.iterdir()] == ["toy-k1.onnx"]
    rows = np.ones((3, 4), np.float32)
    assert first.run(None, {"rows": rows})[0].shape == (3, 2)
    assert np.array_equal(first.run(None, {"rows": rows})[0], second.run(None, {"rows": rows})[0])
    toy_export("k2", str(builds))  # new weights: the old export goes
    assert len(builds.read_text().split()) == 2
    assert [p.name for p in cache.iterdir()] == ["toy-k2.onnx"]


def test_a_failed_export_names_the_model_and_the_cause(tmp_path, monkeypatch):
    monkeypatch.setenv(onnx_runtime.CACHE_ENV, str(tmp_path / "cache"))
    with pytest.raises(StanceModelUnavailable, match="toy_export.*failed: .*Is a directory"):
        toy_export("k1", str(tmp_path))  # the build cannot append to a folder


def test_the_cache_falls_back_to_the_temporary_folder_when_home_cannot_be_written(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.delenv(onnx_runtime.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert onnx_runtime.cache_dir().name == "claimledger-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert onnx_runtime.cache_dir() == tmp_path / "claimledger"


def test_padding_gives_each_row_its_mask():
    found = onnx_runtime.inputs([[101, 7, 102], [101, 102]])
    assert found["input_ids"].tolist() == [[101, 7, 102], [101, 102, 0]]
    assert found["attention_mask"].tolist() == [[1, 1, 1], [1, 1, 0]]


def test_ingest_makes_the_exports_before_it_loads_the_extraction_pipeline(tmp_path, monkeypatch):
    # Its child process then runs beside a small process, not beside spaCy and the tagger.
    from claimledger.extraction import pipeline
    from claimledger.ingest.batch import ingest_articles
    from claimledger.ml import encoder, stance
    from claimledger.schema import Article
    from claimledger.store.ledger import Ledger

    events = []

    def recorded(module, name: str, event: str) -> None:
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *args: events.append(event) or original(*args))

    recorded(stance, "shipped_export", "stance")
    recorded(encoder, "embedder_export", "embedder")
    recorded(pipeline, "load_model", "pipeline")
    article = Article(text="The ministry denied that troops were sent, a spokesman said on Monday.",
                      source="a.txt")
    with Ledger(tmp_path / "l.db") as ledger:
        assert ingest_articles([article], ledger).added == 1
    assert events[:3] == ["stance", "embedder", "pipeline"]
