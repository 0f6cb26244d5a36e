"""Shipped models run through ONNX Runtime: each is exported from torch once per machine, into a cache
folder, and read back as an inference session.  Same arithmetic as torch (outputs agree to 1e-5), without
torch's per-call overhead: the ledger's stance readings and lead embeddings are small batches, where
that overhead is most of the cost (README, "Cost of the ledger").  Training reads its models through
torch; only shipped weights go through here."""

from __future__ import annotations

import hashlib
import importlib
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from ..errors import ModelUnavailable

CACHE_ENV = "CLAIMLEDGER_CACHE"
OPSET = 17


def cache_dir() -> Path:
    """Where exported models are kept: $CLAIMLEDGER_CACHE, else the user's cache folder, else (a home
    that cannot be written) the temporary folder."""
    found = os.environ.get(CACHE_ENV)
    if found:
        return Path(found)
    user = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "claimledger"
    try:
        user.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path(tempfile.gettempdir()) / "claimledger-cache"
    return user if os.access(user, os.W_OK) else Path(tempfile.gettempdir()) / "claimledger-cache"


def fingerprint(files: Sequence[Path], *versions: str) -> str:
    """Names the export after what shaped it: the files (weights, and the source defining the module) by
    name, size and modification time, which a new install or an edit changes, without reading the
    weights at every start; and the libraries' versions."""
    digest = hashlib.sha256()
    for path in files:
        found = path.stat()
        digest.update(f"{path.name}:{found.st_size}:{found.st_mtime_ns}".encode())
    for version in versions:
        digest.update(version.encode())
    return digest.hexdigest()[:20]


def export(torch, module, inputs: dict[str, np.ndarray], outputs: Sequence[str], target: Path) -> None:
    """The module as ONNX at ``target``, its inputs' first two axes (batch, pieces) left free; written
    beside it and renamed, so concurrent workers never read half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    axes = {name: {0: "batch", 1: "pieces"} for name in inputs} | {name: {0: "batch"} for name in outputs}
    handle, partial = tempfile.mkstemp(suffix=".onnx", dir=target.parent)
    os.close(handle)
    try:
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shape tests that hold for every shape here
            example = tuple(torch.from_numpy(value) for value in inputs.values())
            torch.onnx.export(module.eval(), example, partial, input_names=list(inputs),
                              output_names=list(outputs), dynamic_axes=axes, opset_version=OPSET, dynamo=False)
        os.chmod(partial, 0o644)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def runtime(unavailable: type[ModelUnavailable]):
    """The onnxruntime module, or ``unavailable`` naming the install command."""
    try:
        import onnxruntime
    except ImportError as error:
        from .encoder import INSTALL_HINT  # encoder imports this module

        raise unavailable(problem=f"{error.name} is not installed ({INSTALL_HINT})") from None
    return onnxruntime


# Set in the child process that makes an export (``exported``).
EXPORT_HERE = "CLAIMLEDGER_EXPORT_HERE"


def exported(name: str, key: str, build: Callable[[], tuple[object, dict[str, np.ndarray], Sequence[str]]],
             unavailable: type[ModelUnavailable], remake: Sequence[str]) -> Path:
    """Model ``name``'s export under ``key`` (``fingerprint``), made now when this machine has none yet:
    a child process calls ``remake`` (module, function, string arguments: the caller, which gives this
    path) and so runs ``build`` (torch module, example ``inputs``, output names).  The torch copy of the
    model and the exporter's modules (about 200 MB that stay once imported) never enter this process."""
    runtime(unavailable)  # no export for a runtime that is missing
    path = cache_dir() / f"{name}-{key}.onnx"
    if path.exists():
        return path
    if not os.environ.get(EXPORT_HERE):
        export_in_child(remake, unavailable)
        if not path.exists():
            raise unavailable(problem=f"the export to {path} was not made")
        return path
    import torch
    module, inputs, outputs = build()
    try:
        export(torch, module, inputs, outputs, path)
    except (ImportError, OSError, RuntimeError) as error:
        raise unavailable(problem=f"cannot export to {path}: {error}") from None
    for stale in path.parent.glob(f"{name}-*.onnx"):  # earlier weights' or code's exports: 90 MB each
        if stale != path:
            stale.unlink(missing_ok=True)
    return path


def export_in_child(remake: Sequence[str], unavailable: type[ModelUnavailable]) -> None:
    """Run ``remake`` in a fresh interpreter that sees this one's import path, to export there."""
    paths = os.pathsep.join(entry for entry in sys.path if entry)
    done = subprocess.run([sys.executable, "-m", __name__, *remake], capture_output=True, text=True,
                          env=os.environ | {EXPORT_HERE: "1", "PYTHONPATH": paths})
    if done.returncode:
        said = done.stderr.strip().splitlines() or ["no message"]
        raise unavailable(problem=f"exporting in a child process ({' '.join(remake)}) failed: {said[-1]}")


# Arrays several sessions read in place of their own copies, as ONNX Runtime values (kept alive here).
SHARED_VALUES: dict[int, object] = {}


def session(path: Path, unavailable: type[ModelUnavailable], shared: Optional[dict[str, np.ndarray]] = None):
    """An inference session over the export at ``path`` (``exported``).  ``shared``: parameters by name
    that this session reads from the given arrays, one copy for every session (the encoder's frozen
    word-embedding table)."""
    onnxruntime = runtime(unavailable)
    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1  # operators one at a time, each on the default pool (a thread per core)
    # Idle pool threads spinning would take the cores from spaCy between the ledger's small calls.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    for parameter, array in (shared or {}).items():
        if id(array) not in SHARED_VALUES:
            SHARED_VALUES[id(array)] = onnxruntime.OrtValue.ortvalue_from_numpy(array)
        options.add_initializer(parameter, SHARED_VALUES[id(array)])
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def inputs(rows: Sequence[Sequence[int]]) -> dict[str, np.ndarray]:
    """An encoder's inputs by name: piece ids padded with zeros to the longest row, and the attention mask."""
    longest = max(len(r) for r in rows)
    ids = np.zeros((len(rows), longest), dtype=np.int64)
    mask = np.zeros((len(rows), longest), dtype=np.int64)
    for n, row in enumerate(rows):
        ids[n, : len(row)] = row
        mask[n, : len(row)] = 1
    return {"input_ids": ids, "attention_mask": mask}


if __name__ == "__main__":  # the child process of export_in_child
    module_name, function, *arguments = sys.argv[1:]
    getattr(importlib.import_module(module_name), function)(*arguments)
