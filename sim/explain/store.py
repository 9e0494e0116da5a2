"""The folder of an explanation: its tables, its manifest, verified when read back.

``flocksim explain --out DIR`` (and ``compare --explain``, in ``DIR/explain``)
writes

- ``contributions.csv``: the table, one row per figure and step;
- ``values.parquet``: each replication's Shapley values (and start, end, total);
- ``runs.parquet``: the summary row of every distinct run and replication;
- ``explain.json``: the manifest (scenarios, groups and their settings in A and
  B, seed, replications, method, run counts) with each file's SHA-256;

into a folder staged aside and renamed into place, so a folder is whole or
absent. :func:`load_explanation` refuses a folder whose files do not match
their checksums.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from sim.explain.core import Explanation
from sim.explain.groups import ExplainError, Group
from sim.storage import sha256_file, staged_directory

MANIFEST = "explain.json"
FILES = ("contributions.csv", "values.parquet", "runs.parquet")


def save_explanation(explanation: Explanation, directory: str | Path) -> Path:
    """Write an explanation into ``directory``, which must not exist yet."""
    target = Path(directory)
    try:
        with staged_directory(target) as staging:
            explanation.contributions.to_csv(staging / "contributions.csv", index=False)
            explanation.replication_values.to_parquet(staging / "values.parquet", index=False)
            explanation.runs.to_parquet(staging / "runs.parquet", index=False)
            files = {name: sha256_file(staging / name) for name in FILES}
            manifest = {**explanation.manifest, "files": files}
            (staging / MANIFEST).write_text(
                json.dumps(manifest, indent=2, default=str, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
    except FileExistsError:
        raise ExplainError(f"{target}: already exists; choose a new folder") from None
    return target


def load_explanation(directory: str | Path) -> Explanation:
    """Read a folder written by :func:`save_explanation`, every file checked."""
    folder = Path(directory)
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExplainError(f"{folder}: no {MANIFEST}; not an explain folder") from None
    except (OSError, ValueError) as exc:
        raise ExplainError(f"{folder}/{MANIFEST}: not readable ({exc})") from None
    files = manifest.pop("files", None)
    if not isinstance(files, dict) or set(files) != set(FILES):
        raise ExplainError(f"{folder}/{MANIFEST}: does not list the files {', '.join(FILES)}")
    for name, digest in files.items():
        path = folder / name
        if not path.is_file() or sha256_file(path) != digest:
            raise ExplainError(f"{folder}: {name} is missing or was changed after it was saved")
    groups = tuple(
        Group(str(entry["name"]), tuple(entry["settings"])) for entry in manifest.get("groups", [])
    )
    return Explanation(
        contributions=pd.read_csv(folder / "contributions.csv"),
        replication_values=pd.read_parquet(folder / "values.parquet"),
        runs=pd.read_parquet(folder / "runs.parquet"),
        groups=groups,
        manifest=manifest,
    )


__all__ = ["FILES", "MANIFEST", "load_explanation", "save_explanation"]
