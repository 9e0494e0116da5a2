"""The report of a sweep: charts and one self-contained HTML page (``flocksim sweep-report``).

:func:`write_sweep_report` analyses a finished sweep (``sim.sweeps.analysis``
and ``sim.sweeps.sensitivity``: tables only, never the model), saves every
chart as PNG and SVG in ``charts/`` and writes ``report.html`` beside them:
the headline (where the compared scenario is ahead, where it stops paying, and
which factor carries the difference), the threshold maps, each figure against
each factor, the break-evens, the sensitivity indices, the best variants, the
infeasible and failed ones, and the sweep file, overrides and manifest.
Rendering is in ``_sweep_html``.
"""

from __future__ import annotations

import itertools
import logging
import math
from pathlib import Path
from typing import Any

import pandas as pd

from sim.charts import save_figure
from sim.charts.sweep import (
    break_even_chart,
    difference_heatmap,
    factor_effect,
    sensitivity_chart,
)
from sim.figures import LOWER_IS_BETTER_FIGURES, figure_title
from sim.formatting import format_interval, format_value
from sim.report._sweep_html import render_sweep_html
from sim.report._sweep_parts import Chart, SweepReport
from sim.sweeps import analysis
from sim.sweeps.results import SweepResults
from sim.sweeps.sensitivity import Indices, sweep_indices, variant_output

log = logging.getLogger(__name__)

HTML_NAME = "report.html"
CHARTS_DIR = "charts"
#: Heatmaps are drawn for the pairs among this many factors (the most influential first).
HEATMAP_FACTORS = 3


def _value_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() or abs(value) >= 100 else f"{value:,.3g}"
    return str(value)


def _facts(results: SweepResults, figure: str, scenario: str | None) -> list[tuple[str, str]]:
    manifest = results.manifest
    design = manifest["design"]
    replications = manifest["replications"]
    reps = (
        str(replications["most"])
        if replications["fewest"] == replications["most"]
        else f"{replications['fewest']} to {replications['most']} (precision "
        f"{replications['precision']:g})"
    )
    compared = f"{scenario} minus {results.baseline}" if scenario else results.baseline
    return [
        ("Sweep", f"{manifest['name']} ({manifest['sweep_file']})"),
        ("Sweep file hash", str(manifest["hash"])),
        ("Scenarios", f"{', '.join(results.scenarios)} (baseline: {results.baseline})"),
        ("Design", f"{design['method']}: {', '.join(results.factors)}"),
        (
            "Variants",
            f"{design['variants']} ({design['variants'] - design['feasible']} infeasible)",
        ),
        ("Replications per variant", reps),
        ("Seed", str(manifest["seed"])),
        ("Rows", f"{manifest['rows']:,} ({manifest['failed']} failed replications)"),
        ("Figure of the headline", f"{figure_title(figure)}: {compared}"),
        ("Run", f"{manifest['created']}, flocksim {manifest['version']}"),
    ]


def _ranked_factors(results: SweepResults, indices: Indices | None) -> list[str]:
    if indices is not None and not indices.table.empty:
        return [str(name) for name in indices.table["factor"]]
    return results.factors


def build_sweep_report(
    results: SweepResults, figure: str | None = None, scenario: str | None = None
) -> SweepReport:
    """Analyse a finished sweep into the report's charts, tables and sentences."""
    settings = results.analysis
    figure = figure or str(settings["figure"])
    if figure not in results.summary.columns:
        raise ValueError(f"figure {figure!r} is not a column of the sweep's summary")
    names = results.scenarios
    scenario = scenario or settings.get("scenario") or (names[1] if len(names) > 1 else None)
    if scenario is not None and scenario not in names:
        raise ValueError(f"scenario {scenario!r} is not one of: {', '.join(names)}")
    summary = results.summary
    report = SweepReport(
        title=f"flocksim sweep: {results.manifest['name']}",
        facts=_facts(results, figure, scenario),
        headline=[],
    )
    output = variant_output(summary, figure, results.baseline, scenario)
    design = results.manifest["design"]
    indices = sweep_indices(
        results.method,
        results.design,
        results.unit,
        output,
        results.factors,
        int(design.get("levels") or 4),
        int(results.manifest["seed"]),
    )
    if scenario is not None and not summary.empty:
        _headline(report, results, figure, scenario)
    if indices is not None:
        _sensitivity(report, indices, figure)
    if scenario is not None and not summary.empty:
        ranked = _ranked_factors(results, indices)[:HEATMAP_FACTORS]
        _heatmaps(report, results, figure, scenario, ranked)
        _break_evens(report, results, figure, scenario)
    if not summary.empty:
        _effects(report, results, [str(f) for f in settings["figures"]])
    _infeasible_and_failed(report, results)
    return report


def _headline(report: SweepReport, results: SweepResults, figure: str, scenario: str) -> None:
    table = analysis.variant_table(
        results.summary, figure, results.baseline, scenario, results.factors
    )
    lower = figure in LOWER_IS_BETTER_FIGURES
    ahead = int(((table["diff_high"] < 0) if lower else (table["diff_low"] > 0)).sum())
    behind = int(((table["diff_low"] > 0) if lower else (table["diff_high"] < 0)).sum())
    report.headline.append(
        f"{figure_title(figure)}, {scenario} minus {results.baseline}, over "
        f"{len(table)} variants: {scenario} is clearly ahead (95% CI of the paired "
        f"difference on its side of zero) in {ahead}, clearly behind in {behind}, and "
        f"not distinguishable in {len(table) - ahead - behind}."
    )
    favoured = int(((table["diff"] < 0) if lower else (table["diff"] > 0)).sum())
    report.headline.append(
        f"By the mean paired difference, {scenario} is ahead in {favoured} of {len(table)} "
        f"variants ({favoured / max(len(table), 1):.0%}); with a sampling design (lhs, "
        "sobol, morris) that is about the share of the factors' ranges where it wins."
    )
    best = analysis.best_variants(table, figure, count=10)
    if not best.empty:
        top = best.iloc[0]
        where = ", ".join(f"{f} = {_value_text(top[f])}" for f in results.factors)
        report.headline.append(
            f"Best variant ({where}): "
            + format_interval(
                figure, top["diff"], top["diff_low"], top["diff_high"], difference=True
            )
            + "."
        )
    shown = best.copy()
    shown[f"{scenario} - {results.baseline} [95% CI]"] = [
        format_interval(figure, r.diff, r.diff_low, r.diff_high, difference=True)
        for r in best.itertuples(index=False)
    ]
    shown[results.baseline] = [format_value(figure, v) for v in best["baseline"]]
    shown[scenario] = [format_value(figure, v) for v in best["value"]]
    columns = ["variant", *results.factors, results.baseline, scenario]
    report.tables["best"] = shown[[*columns, f"{scenario} - {results.baseline} [95% CI]"]]


def _sensitivity(report: SweepReport, indices: Indices, figure: str) -> None:
    if indices.note:
        report.notes["sensitivity"] = indices.note
    if indices.table.empty:
        return
    report.charts["sensitivity"] = Chart(
        sensitivity_chart(indices.table, indices.method, figure),
        "Which assumption carries the difference",
        (
            "Sobol' indices of the paired difference per variant: the total-order index ST "
            "is the share of its variance a factor takes part in, S1 the share it explains "
            "alone; bars are 95% bootstrap CIs."
            if indices.method == "sobol"
            else "Morris screening: mu* is the mean absolute change of the paired difference "
            "when a factor moves one level step (per unit of its normalised range); a large "
            "sigma means its effect depends on the other factors; bars are 95% CIs."
        ),
        "sensitivity",
    )
    report.tables["sensitivity"] = indices.table.round(4)
    top = indices.table.iloc[0]
    if indices.method == "sobol":
        report.headline.append(
            f"The factor that carries most of the difference: {top['factor']} (total Sobol' "
            f"index {top['ST']:.2f} ± {top['ST_conf']:.2f})."
        )
    else:
        report.headline.append(
            f"The factor that moves the difference most: {top['factor']} (Morris mu* "
            f"{format_value(figure, top['mu_star'])})."
        )


def _heatmaps(
    report: SweepReport, results: SweepResults, figure: str, scenario: str, ranked: list[str]
) -> None:
    index = {path: i for i, path in enumerate(results.factors)}
    for x, y in itertools.combinations(ranked, 2):
        scales = (results.factor_scale(x), results.factor_scale(y))
        grid = analysis.two_factor_grid(
            results.summary, x, y, figure, results.baseline, scenario, scales
        )
        if grid["x"].nunique() < 2 or grid["y"].nunique() < 2:
            continue
        name = f"heatmap_{index[x]}_{index[y]}"
        report.charts[name] = Chart(
            difference_heatmap(grid, x, y, figure, scenario, results.baseline),
            f"Threshold map: {x} against {y}",
            f"Paired difference of {figure_title(figure).lower()} ({scenario} minus "
            f"{results.baseline}) over {x} and {y}, averaged over the other factors. Blue: "
            f"{scenario} ahead; red: behind; the black line is where the mean difference "
            "crosses zero; hatched cells are those whose 95% CI contains zero (where the "
            "threshold may lie).",
            "thresholds",
        )
        crossings = analysis.threshold_table(grid, scales[0])
        report.tables[name] = _threshold_rows(crossings, x, y, scenario, results.baseline)


def _threshold_rows(
    crossings: pd.DataFrame, x: str, y: str, scenario: str, baseline: str
) -> pd.DataFrame:
    rows = []
    for item in crossings.itertuples(index=False):
        if math.isnan(item.break_even):
            ahead = scenario if item.sign_before > 0 else baseline
            text, band = f"none in range ({ahead} ahead throughout)", ""
        else:
            text = _value_text(item.break_even)
            band = f"{_bound(item.low)} to {_bound(item.high)}"
        rows.append({y: _value_text(item.y), f"break-even {x}": text, "CI contains 0": band})
    return pd.DataFrame(rows)


def _bound(value: float) -> str:
    if value == -math.inf:
        return "below the range"
    if value == math.inf:
        return "above the range"
    return _value_text(value)


def _break_evens(report: SweepReport, results: SweepResults, figure: str, scenario: str) -> None:
    for index, factor in enumerate(results.factors):
        values = results.summary[factor]
        if not pd.api.types.is_numeric_dtype(values) or values.nunique() < 2:
            continue
        scale = results.factor_scale(factor)
        effects = analysis.factor_effects(
            results.summary, factor, figure, results.baseline, [results.baseline, scenario], scale
        )
        line = analysis.curve(effects, scenario)
        found = analysis.break_even(
            line["level"], line["mean"], line["ci_low"], line["ci_high"], scale
        )
        if found.found:
            report.headline.append(
                f"Along {factor} (the other factors averaged), {scenario} minus "
                f"{results.baseline} crosses zero at {_value_text(found.estimate)}; its 95% CI "
                f"contains zero from {_bound(found.low)} to {_bound(found.high)}."
            )
        report.charts[f"break_even_{index}"] = Chart(
            break_even_chart(line, factor, figure, scenario, results.baseline, found, scale),
            f"Break-even along {factor}",
            f"Paired difference of {figure_title(figure).lower()} along {factor} (the other "
            "factors averaged) with its 95% CI; the dashed line is where the mean crosses "
            "zero, the shaded range where the CI contains zero.",
            "break_even",
        )


def _effects(report: SweepReport, results: SweepResults, figures: list[str]) -> None:
    for figure in figures:
        if figure not in results.summary.columns:
            log.warning("figure %s is not in the summary; left out of the report", figure)
            continue
        for index, factor in enumerate(results.factors):
            effects = analysis.factor_effects(
                results.summary,
                factor,
                figure,
                results.baseline,
                results.scenarios,
                results.factor_scale(factor),
            )
            report.charts[f"effect_{figure}_{index}"] = Chart(
                factor_effect(
                    effects, factor, figure, results.baseline, results.factor_scale(factor)
                ),
                f"{figure_title(figure)} against {factor}",
                f"Top: mean of each scenario with its 95% CI at each value of {factor} (the "
                "other factors averaged). Bottom: the paired difference to the baseline, "
                "replication by replication on the same seeds, with its 95% CI.",
                "effects",
            )


def _infeasible_and_failed(report: SweepReport, results: SweepResults) -> None:
    design = results.design
    infeasible = design.loc[~design["feasible"], ["variant", *results.factors, "infeasible_reason"]]
    report.tables["infeasible"] = infeasible.rename(columns={"infeasible_reason": "why"})
    failures = results.failures
    if not failures.empty:
        report.tables["failures"] = failures[["variant", "scenario", "replication", "error"]]


def write_sweep_report(
    results: SweepResults,
    directory: str | Path | None = None,
    *,
    figure: str | None = None,
    scenario: str | None = None,
) -> Path:
    """Write the sweep's charts (PNG and SVG in ``charts/``) and ``report.html``.

    Parameters
    ----------
    results
        A finished sweep (``sim.load_sweep``).
    directory
        Where to write (default: the sweep's folder).
    figure
        Figure of the headline, thresholds, sensitivity and ranking (default: the
        sweep file's ``[analysis] figure``).
    scenario
        Scenario compared with the baseline (default: the file's, or the second).
    """
    target = Path(directory) if directory is not None else results.directory
    report = build_sweep_report(results, figure, scenario)
    pngs: dict[str, bytes] = {}
    for name, chart in report.charts.items():
        png, _svg = save_figure(chart.figure, target / CHARTS_DIR, name)
        pngs[name] = png.read_bytes()
    path = target / HTML_NAME
    path.write_text(render_sweep_html(report, pngs, results.manifest), encoding="utf-8")
    log.info("wrote %s with %d charts", path, len(pngs))
    return path


__all__ = ["Chart", "SweepReport", "build_sweep_report", "write_sweep_report"]
