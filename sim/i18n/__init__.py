"""The words flocksim shows people, in English and Chinese: one catalogue.

Every text a person reads in a chart, the report, a terminal table heading or a
notebook comes from the catalogue: one TOML file per language in this folder
(``en.toml``, ``zh.toml``, simplified Chinese), with the same keys in each.  A
key is the dotted path of a value in its file (``chart.title.sales_time_use``);
a value may hold ``str.format`` placeholders (``{scenario}``), and both
languages must use the same ones.  ``tests/test_i18n.py`` fails when a key or a
placeholder is missing in either language, and when the code asks for a key
that does not exist.

Why TOML tables and not gettext (Babel ``.po`` files compiled to ``.mo``)?
Both would do; the tables win here because the texts are keyed by meaning, not
by their English wording (figure titles are keyed by column name, captions by
chart name, and the English text can change without breaking the Chinese),
they need no compile step or build hook (``tomllib`` is in the standard
library, so the catalogue works straight from a checkout, an editable install
or a wheel), and a translator edits two plain files side by side.  What gettext
adds (plural forms, translator tooling) is not needed: Chinese has no plural
forms and the few English plurals are separate keys.

Use :func:`text` (``text("chart.title.key_figures", "zh")``); :func:`has_text`
tells whether an optional key exists (scenario display names, setting names).
:data:`LANGUAGES` lists the languages and :func:`check_lang` refuses any other
with a one-line message.  The files are read once, on first use (no work at
import time).
"""

from __future__ import annotations

import functools
import string
import tomllib
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any, Final

__all__ = [
    "DEFAULT_LANG",
    "LANGUAGES",
    "catalogue",
    "check_lang",
    "has_text",
    "placeholders",
    "text",
]

#: The languages of the catalogue: English and simplified Chinese.
LANGUAGES: Final[tuple[str, ...]] = ("en", "zh")

#: The language used where none is given.
DEFAULT_LANG: Final = "en"


def check_lang(lang: object) -> str:
    """Return ``lang`` if it is one of :data:`LANGUAGES`, else raise.

    Parameters
    ----------
    lang : object
        A language code such as ``"en"`` or ``"zh"``.

    Returns
    -------
    str
        The same code.

    Raises
    ------
    ValueError
        If ``lang`` is not a known language; the message lists the known ones.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang {lang!r} is not one of: {', '.join(LANGUAGES)}")
    return str(lang)


def _flatten(table: Mapping[str, Any], prefix: str, into: dict[str, str], source: str) -> None:
    """Dotted keys of a nested TOML table; every leaf must be text."""
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, f"{dotted}.", into, source)
        elif isinstance(value, str):
            into[dotted] = value
        else:
            raise ValueError(f"{source}: {dotted}: expected text, got {type(value).__name__}")


@functools.cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Every text of one language, by dotted key.

    Parameters
    ----------
    lang : str
        One of :data:`LANGUAGES`.

    Returns
    -------
    mapping of str to str
        Read-only view of the language's texts (placeholders not filled in).
    """
    check_lang(lang)
    source = resources.files(__name__).joinpath(f"{lang}.toml")
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    flat: dict[str, str] = {}
    _flatten(data, "", flat, f"sim/i18n/{lang}.toml")
    return _ReadOnly(flat)


class _ReadOnly(Mapping[str, str]):
    """A mapping that cannot be changed (the catalogue is shared by every caller)."""

    def __init__(self, data: dict[str, str]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def has_text(key: str, lang: str = DEFAULT_LANG) -> bool:
    """Tell whether the catalogue of ``lang`` has ``key``."""
    return key in catalogue(lang)


def text(key: str, lang: str = DEFAULT_LANG, /, **values: Any) -> str:
    """The text of ``key`` in ``lang``, with its placeholders filled in.

    Parameters
    ----------
    key : str
        Dotted key, e.g. ``"chart.title.key_figures"``.
    lang : str, optional
        One of :data:`LANGUAGES` (default English).
    **values
        Values of the text's ``{placeholders}``.

    Returns
    -------
    str
        The text.

    Raises
    ------
    KeyError
        If the key is not in the catalogue (a bug: the catalogue test lists every
        key the code uses) or a placeholder has no value.
    ValueError
        If ``lang`` is not a known language.
    """
    texts = catalogue(lang)
    try:
        template = texts[key]
    except KeyError:
        raise KeyError(
            f"no text {key!r} in the {lang!r} catalogue (sim/i18n/{lang}.toml)"
        ) from None
    return template.format(**values)


def placeholders(template: str) -> set[str]:
    """The names of the ``{placeholders}`` in a catalogue text."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
