"""Results folders are never lost or mixed: refused, replaced whole, verified on load.

Every way a folder can disagree with its manifest is refused with one line
naming the folder and what disagrees, by ``Results.load`` and by ``flocksim
report`` (exit 2), never with a traceback. The fault tests with killed
processes are in ``test_faults.py``.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.manifest import checksum, stamp
from sim.results import MANIFEST, Results, ResultsError, check_destination
from sim.storage import sha256_file


def small(marker: int, comparison: bool = False) -> Results:
    """Results that say which save they come from in every table and the manifest."""
    summary = pd.DataFrame(
        {
            "scenario": ["a", "a", "b", "b"],
            "replication": [0, 1, 0, 1],
            "revenue": [1.0, 2.0, 3.0, 5.0],
            "marker": marker,
        }
    )
    weekly = pd.DataFrame(
        {"scenario": "a", "replication": [0, 0, 1], "week": [0, 1, 0], "marker": marker}
    )
    table = (
        pd.DataFrame({"figure": ["revenue"], "scenario": ["b"], "diff": [2.5], "marker": marker})
        if comparison
        else pd.DataFrame()
    )
    manifest = {"marker": marker, "seed": 0, "scenarios": {"a": {}, "b": {}}, "partial": False}
    return Results(summary=summary, weekly=weekly, manifest=manifest, comparison=table)


def markers(results: Results) -> set[int]:
    frames = [results.summary, results.weekly, results.comparison]
    found = {int(value) for frame in frames if not frame.empty for value in frame["marker"]}
    return found | {results.manifest["marker"]}


def cli_report(capsys, folder: Path) -> tuple[int, str]:
    try:
        code = main(["report", str(folder)])
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    _, err = capsys.readouterr()
    return code, err


def assert_refused(folder: Path, capsys, *fragments: str) -> None:
    """Load and report both refuse with one line naming the folder and the fragments."""
    with pytest.raises(ResultsError) as info:
        Results.load(folder)
    message = str(info.value)
    assert "\n" not in message
    assert str(folder) in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    code, err = cli_report(capsys, folder)
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0] == f"flocksim: error: {message}"


@pytest.fixture
def saved(tmp_path) -> Path:
    return small(1, comparison=True).save(tmp_path / "run")


def rewrite_manifest(folder: Path, change) -> None:
    """Edit the manifest as a careful forger would: with its checksum recomputed."""
    manifest = json.loads((folder / MANIFEST).read_text())
    change(manifest)
    (folder / MANIFEST).write_text(json.dumps(stamp(manifest), indent=2))


# ---------------------------------------------------------------- saving


def test_the_saved_folder_lists_every_table_and_the_comparison(saved):
    manifest = json.loads((saved / MANIFEST).read_text())
    assert set(manifest["tables"]) == {"summary", "weekly", "comparison"}
    assert manifest["tables"]["summary"]["rows"] == 4
    for entry in manifest["tables"].values():
        assert entry["sha256"] == sha256_file(saved / entry["file"])
    assert manifest["files"] == {
        "comparison.csv": {"sha256": sha256_file(saved / "comparison.csv")}
    }
    assert manifest["sha256"] == checksum(manifest)
    loaded = Results.load(saved)
    assert markers(loaded) == {1}
    pd.testing.assert_frame_equal(loaded.comparison, small(1, comparison=True).comparison)
    assert loaded.manifest == small(1).manifest  # the folder's keys are not the run's
    assert sorted(path.name for path in saved.parent.iterdir()) == ["run"]  # no lock, no staging


def test_existing_results_are_refused_without_force_and_replaced_whole_with_it(saved):
    with pytest.raises(ResultsError, match=r"already holds results; replace them with force=True"):
        small(2).save(saved)
    assert markers(Results.load(saved)) == {1}
    small(2).save(saved, force=True)
    loaded = Results.load(saved)
    assert markers(loaded) == {2}
    # the old comparison went with the old results: no stale comparison for the new ones
    assert loaded.comparison.empty
    assert not (saved / "comparison.parquet").exists()
    assert not (saved / "comparison.csv").exists()
    assert sorted(path.name for path in saved.parent.iterdir()) == ["run"]


def test_an_empty_folder_is_used_and_a_missing_one_created(tmp_path):
    (tmp_path / "empty").mkdir()
    assert markers(Results.load(small(3).save(tmp_path / "empty"))) == {3}
    assert markers(Results.load(small(4).save(tmp_path / "new" / "deep"))) == {4}


def test_a_folder_of_other_files_is_never_replaced_even_with_force(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.tex").write_text("years of work")
    for force in (False, True):
        with pytest.raises(ResultsError, match="holds files but no manifest.json"):
            small(1).save(folder, force=force)
    assert (folder / "thesis.tex").read_text() == "years of work"


def test_a_file_and_the_working_folder_are_refused(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    with pytest.raises(ResultsError, match="is a file, not a folder"):
        small(1).save(tmp_path / "file", force=True)
    folder = small(1).save(tmp_path / "here")
    monkeypatch.chdir(folder)
    with pytest.raises(ResultsError, match="working folder"):
        small(2).save(folder, force=True)
    with pytest.raises(ResultsError, match="working folder"):
        check_destination(".", force=True)


@pytest.mark.parametrize("directory", ["", "   ", None, 3, True])
def test_save_and_load_name_the_argument_of_a_bad_folder(directory):
    with pytest.raises(ValueError, match="directory must"):
        small(1).save(directory)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="directory must"):
        Results.load(directory)  # type: ignore[arg-type]


def test_force_must_be_true_or_false(tmp_path):
    folder = small(1).save(tmp_path / "run")
    with pytest.raises(ValueError, match="force must be True or False, got 'no'"):
        small(2).save(folder, force="no")  # type: ignore[arg-type]
    assert markers(Results.load(folder)) == {1}


def test_mark_partial_counts_each_scenario(tmp_path):
    partial = small(1, comparison=True).mark_partial("SIGINT", 5, names=["a", "b", "c"])
    assert partial.partial
    assert partial.manifest["replications_done"] == {"a": 2, "b": 2, "c": 0}
    assert partial.manifest["replications_requested"] == 5
    assert partial.manifest["interrupted_by"] == "SIGINT"
    assert partial.comparison.empty  # it would compare replications that are not all there
    loaded = Results.load(partial.save(tmp_path / "p"))
    assert loaded.partial
    assert loaded.manifest == partial.manifest
    assert not small(1).partial


# ---------------------------------------------------------------- loading what disagrees


def test_a_folder_without_manifest(saved, capsys):
    (saved / MANIFEST).unlink()
    assert_refused(saved, capsys, "no manifest.json; not a flocksim results folder")


def test_a_manifest_that_is_not_json(saved, capsys):
    (saved / MANIFEST).write_text("{not json")
    assert_refused(saved, capsys, "not a readable manifest")


def test_a_manifest_that_is_a_folder(saved, capsys):
    """Today: IsADirectoryError (an OSError) escapes."""
    (saved / MANIFEST).unlink()
    (saved / MANIFEST).mkdir()
    assert_refused(saved, capsys, "cannot read manifest.json")


def test_a_manifest_that_is_a_list(saved, capsys):
    """Today: AttributeError ('list' object has no attribute 'get')."""
    (saved / MANIFEST).write_text("[1, 2]")
    assert_refused(saved, capsys, "not a JSON object")


def test_a_manifest_edited_by_hand(saved, capsys):
    manifest = json.loads((saved / MANIFEST).read_text())
    manifest["seed"] = 99
    (saved / MANIFEST).write_text(json.dumps(manifest))
    assert_refused(saved, capsys, "manifest.json: was changed after it was saved")


def test_a_manifest_without_checksums(saved, capsys):
    """The format before this one: a plain list of tables (today: read without checks)."""
    manifest = json.loads((saved / MANIFEST).read_text())
    manifest["tables"] = ["summary", "weekly"]
    del manifest["sha256"]
    (saved / MANIFEST).write_text(json.dumps(manifest))
    assert_refused(saved, capsys, "has no checksum")


def test_a_manifest_whose_tables_are_not_a_mapping(saved, capsys):
    """Today: TypeError ('int' object is not iterable)."""
    rewrite_manifest(saved, lambda manifest: manifest.update(tables=5))
    assert_refused(saved, capsys, "'tables' and 'files' must map names to entries")


def test_a_truncated_table(saved, capsys):
    data = (saved / "summary.parquet").read_bytes()
    (saved / "summary.parquet").write_bytes(data[: len(data) // 2])
    assert_refused(saved, capsys, "summary.parquet does not match its checksum")


def test_a_table_with_fewer_rows_than_the_manifest_says(saved, capsys):
    """A table swapped for a shorter one, checksum updated: the row count still disagrees."""
    summary = pd.read_parquet(saved / "summary.parquet").iloc[:3]
    summary.to_parquet(saved / "summary.parquet", index=False)

    def change(manifest):
        manifest["tables"]["summary"]["sha256"] = sha256_file(saved / "summary.parquet")

    rewrite_manifest(saved, change)
    assert_refused(saved, capsys, "summary.parquet has 3 rows, manifest.json says 4")


def test_a_missing_table(saved, capsys):
    """Today: FileNotFoundError (an OSError) from read_parquet."""
    (saved / "weekly.parquet").unlink()
    assert_refused(saved, capsys, "weekly.parquet is listed in manifest.json but missing")


def test_a_changed_csv(saved, capsys):
    with (saved / "comparison.csv").open("a") as handle:
        handle.write("revenue,z,1\n")
    assert_refused(saved, capsys, "comparison.csv does not match its checksum")


def test_a_table_the_manifest_does_not_list(saved, capsys):
    """A comparison left by an earlier compare: today report publishes it."""
    small(2).save(saved, force=True)
    shutil.copy(saved / "summary.parquet", saved / "comparison.parquet")
    assert_refused(saved, capsys, "comparison.parquet is not listed in manifest.json")


def test_a_summary_without_its_columns(saved, capsys):
    """Today: KeyError ('scenario') in report."""
    pd.DataFrame({"revenue": [1.0]}).to_parquet(saved / "summary.parquet", index=False)

    def change(manifest):
        manifest["tables"]["summary"].update(rows=1, sha256=sha256_file(saved / "summary.parquet"))

    rewrite_manifest(saved, change)
    assert_refused(saved, capsys, "summary.parquet has no 'scenario' column")


def test_a_table_that_is_not_parquet(saved, capsys):
    (saved / "weekly.parquet").write_text("not parquet")

    def change(manifest):
        manifest["tables"]["weekly"]["sha256"] = sha256_file(saved / "weekly.parquet")

    rewrite_manifest(saved, change)
    assert_refused(saved, capsys, "weekly.parquet is not a readable Parquet table")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda m: m["tables"]["summary"].update(file="../../etc/passwd"), "table 'summary'"),
        (lambda m: m["tables"].update(hourly=m["tables"]["summary"]), "unknown table 'hourly'"),
        (lambda m: m["tables"].pop("summary"), "lists no summary table"),
        (lambda m: m["files"].update({"../x": {"sha256": "0" * 64}}), "file '../x'"),
        (lambda m: m.update(scenarios="a, b"), "'scenarios' must map each name"),
        (lambda m: m.update(partial="yes"), "'partial' must be true or false"),
    ],
)
def test_a_malformed_manifest(saved, capsys, change, fragment):
    rewrite_manifest(saved, change)
    assert_refused(saved, capsys, fragment)


def test_a_folder_that_is_a_file(tmp_path, capsys):
    (tmp_path / "x").write_text("")
    assert_refused(tmp_path / "x", capsys, "is not a folder")


def test_an_unreadable_table_for_a_user_without_rights(saved, capsys):
    if os.geteuid() == 0:
        pytest.skip("permissions do not stop root")
    (saved / "summary.parquet").chmod(0)
    try:
        assert_refused(saved, capsys, "cannot read summary.parquet")
    finally:
        (saved / "summary.parquet").chmod(0o644)
