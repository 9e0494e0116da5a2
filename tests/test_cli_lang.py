"""``--lang``: the command's table headings, charts and report in English or Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
SALES_ONLY = str(ROOT / "scenarios" / "sales_only.toml")
FULL_SYSTEM = str(ROOT / "scenarios" / "full_system.toml")
SHORT = ["--set", 'clock.horizon="4 w"', "--reps", "2"]


def test_compare_in_chinese_prints_chinese_headings_and_writes_a_chinese_report(tmp_path, capsys):
    out = tmp_path / "zh"
    code = main(["compare", SALES_ONLY, FULL_SYSTEM, *SHORT, "--lang", "zh", "--report",
                 "--out", str(out)])  # fmt: skip
    stdout = capsys.readouterr().out
    assert code == 0
    assert stdout.splitlines()[1].startswith("指标")
    assert "收入（EUR）" in stdout
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in html
    assert '<p class="verdict">4 周内，完整营销系统的利润为' in html
    assert "@font-face" in html  # the page carries its Chinese font
    assert "只有销售部" in html


def test_report_rebuilt_in_another_language(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["compare", SALES_ONLY, FULL_SYSTEM, *SHORT, "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert "revenue" in stdout  # English keeps the figures' names
    assert main(["report", str(out), "--lang", "zh"]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "各方案的不同之处" in html
    assert main(["report", str(out)]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "What differs between the scenarios" in html
    assert "@font-face" not in html


def test_an_unknown_language_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", SALES_ONLY, "--lang", "fr"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err
