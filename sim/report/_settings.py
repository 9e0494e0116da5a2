"""The scenarios' settings in the report: as TOML-like text, and what differs between them.

:func:`settings_text` renders a scenario's nested settings as TOML-like lines
(the appendix); :func:`difference_rows` lists the settings whose values differ
between the scenarios (the table near the top), with each setting's meaning
where the catalogue has it.  Plain, unescaped text; escaping is the writers' job.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, Final

from sim.i18n import DEFAULT_LANG, has_text, text
from sim.story import settings_differences

_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")


def _toml_key(key: Any) -> str:
    """A TOML key, quoted unless it is a bare key."""
    text = str(key)
    return text if _BARE_KEY.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    """A TOML-like literal for a settings value."""
    if value is None:
        return '"" # not set'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return f"{{ {inner} }}" if inner else "{}"
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _is_table_list(value: Any) -> bool:
    """A non-empty list of mappings (a TOML array of tables)."""
    return (
        isinstance(value, list | tuple)
        and len(value) > 0
        and all(isinstance(v, Mapping) for v in value)
    )


def _toml_lines(settings: Mapping[str, Any], path: tuple[str, ...]) -> list[str]:
    """Lines of a TOML-like rendering of nested settings."""
    lines: list[str] = []
    nested: list[tuple[str, Any]] = []
    for key, value in settings.items():
        if isinstance(value, Mapping) or _is_table_list(value):
            nested.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in nested:
        sub = (*path, _toml_key(key))
        if lines:
            lines.append("")
        if isinstance(value, Mapping):
            lines.append(f"[{'.'.join(sub)}]")
            lines.extend(_toml_lines(value, sub))
        else:
            for i, item in enumerate(value):
                if i:
                    lines.append("")
                lines.append(f"[[{'.'.join(sub)}]]")
                lines.extend(_toml_lines(item, sub))
    return lines


def settings_text(settings: Any) -> str:
    """Render a scenario's settings as a TOML-like text block.

    Parameters
    ----------
    settings : mapping or any
        Nested settings as loaded from the scenario's TOML file.

    Returns
    -------
    str
        Plain (unescaped) text: top-level keys first, then one ``[table]``
        section per nested mapping; anything that is not a mapping is shown as
        its string form.
    """
    if not isinstance(settings, Mapping):
        return str(settings)
    if not settings:
        return "# no settings recorded"
    return "\n".join(_toml_lines(settings, ()))


def setting_meaning(key: str, lang: str = DEFAULT_LANG) -> str:
    """A setting's meaning in words, where the catalogue has it (``setting`` table)."""
    generic = ".".join("N" if part.isdigit() else part for part in key.split("."))
    for candidate in (key, generic):
        if has_text(f"setting.{candidate}", lang):
            return text(f"setting.{candidate}", lang)
    return ""


def difference_rows(
    scenarios: Mapping[str, Any], lang: str = DEFAULT_LANG
) -> tuple[list[str], list[tuple[str, str, list[str]]]]:
    """Scenario names and rows ``(key, meaning, values)`` of the settings that differ."""
    settings = {str(n): s for n, s in scenarios.items() if isinstance(s, Mapping)}
    names = list(settings)
    rows = []
    for key, values in settings_differences(settings):
        cells = [
            _toml_value(values[name]) if name in values else text("report.default", lang)
            for name in names
        ]
        rows.append((key, setting_meaning(key, lang), cells))
    return names, rows
