"""Accuracy gates: figures measured on held-out gold data checked against floors pinned in a JSON
file.  A floor is recorded with a hash of the data it was measured on, and recording refuses to
lower one (a lower floor would hide a regression)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterable


def files_hash(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def check_floors(name: str, figures: dict[str, float], floors_file: Path, data_hash: str, record: bool,
                 epsilon: float) -> int:
    """Exit status: 0 when every figure is at or above its floor (less ``epsilon``), else 1."""
    pinned = json.loads(floors_file.read_text()) if floors_file.exists() else {"floors": {}}
    if record:
        lowered = [k for k, v in figures.items() if v < pinned["floors"].get(k, 0)]
        if lowered and pinned.get("data_sha256") == data_hash:
            print(f"{name} gate: refusing to lower floors: {lowered}")
            return 1
        pinned = {"data_sha256": data_hash, "floors": {k: round(v, 3) for k, v in figures.items()}}
        floors_file.write_text(json.dumps(pinned, indent=2) + "\n")
        print(f"{name} gate: floors recorded in {floors_file}")
        return 0
    if pinned.get("data_sha256") != data_hash:
        print(f"{name} gate: the data differs from the data the floors were measured on")
        return 1
    failed = {k: (v, pinned["floors"][k]) for k, v in figures.items() if v < pinned["floors"][k] - epsilon}
    for key, (value, floor) in failed.items():
        print(f"{name} gate: {key} {value:.3f} is below its floor {floor:.3f}")
    print(f"{name} gate: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0
