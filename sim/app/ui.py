"""The app's page: Shiny controls over :mod:`sim.app.model`, outputs from :mod:`sim.app.view`.

One reactive chain: the controls make :class:`~sim.app.model.Levers`; an
asynchronous calculation runs both firms (in a thread, so the page stays
responsive and shows its "running" banner and spinners) through
:class:`~sim.app.model.Runner`, which remembers settings seen before; each
output reads that outcome and the language.  Switching the language re-labels
every control and redraws the outputs from the same outcome, without running
the firms again.  Whatever goes wrong is said on the page in words (the
model's :class:`~sim.app.model.Message`), never as a traceback.

Everything the page loads comes from this server: Shiny's own scripts and
styles, the charts as inline PNG, and the package's CJK font (``sim/fonts``)
for Chinese text, which a browser without a Chinese font could not draw.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
from collections.abc import Callable
from typing import Any, Final

from htmltools import Tag, TagList
from shiny import App, Inputs, Outputs, Session, reactive, render, ui

from sim.app import view
from sim.app.model import (
    LEVER_RANGES,
    PRESETS,
    Firms,
    LeverError,
    Levers,
    Message,
    Outcome,
    Runner,
    notes,
    preset,
    weekly_costs,
)
from sim.charts import font_paths
from sim.i18n import check_lang, has_text, text

__all__ = ["LANGUAGE_NAMES", "build_app", "serve"]

log = logging.getLogger(__name__)

#: Each language in its own words (the switch shows both, whatever the language).
LANGUAGE_NAMES: Final = {"en": "English", "zh": "中文"}

_SLIDERS: Final = tuple(LEVER_RANGES)
_SWITCHES: Final = ("speed_to_lead", "prospecting", "feedback")
_SECTIONS: Final = {
    "both": ("market_size", "speed_to_lead"),
    "sales_only": ("sales_only_staff", "prospecting"),
    "full_system": (
        "sales_staff",
        "marketing_staff",
        "service_staff",
        "budget_per_week",
        "cost_per_lead",
        "feedback",
    ),
}
_CJK_RANGE: Final = "U+2E80-9FFF, U+F900-FAFF, U+FF00-FFEF"

# Matplotlib shares its font objects between figures: draw one chart at a time.
_DRAWING = threading.Lock()


def _css() -> str:
    regular, bold = (path.name for path in font_paths())
    faces = "".join(
        f'@font-face {{ font-family: "flocksim CJK"; font-weight: {weight}; '
        f'unicode-range: {_CJK_RANGE}; src: url("fonts/{name}") format("opentype"); }}\n'
        for weight, name in (("normal", regular), ("bold", bold))
    )
    return (
        faces
        + """
:root { --bs-body-font-family: "flocksim CJK", system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif; }
body { font-size: 1.05rem; }
.app-title { font-size: 1.45rem; font-weight: 600; margin: 0.2rem 0; }
.verdict { font-size: 1.5rem; font-weight: 600; line-height: 1.35; margin: 0.5rem 0 1rem; }
.cost { font-size: 1.1rem; padding: 0.5rem 0.75rem; border-left: 4px solid #0072B2;
  background: #f3f7fb; margin-bottom: 0.75rem; }
.cost.differs { border-left-color: #E69F00; background: #fdf6e8; }
.problem { font-size: 1.2rem; padding: 0.75rem 1rem; border-left: 4px solid #D55E00;
  background: #fcefe8; margin-bottom: 0.75rem; }
.note { color: #555; }
.chart { width: 100%; max-width: 1100px; height: auto; display: block; margin: 0.5rem 0 1rem; }
table.figures { font-size: 1.05rem; margin: 0.5rem 0 1rem; }
table.figures td, table.figures th { padding: 0.3rem 0.8rem; }
table.figures td.num { font-variant-numeric: tabular-nums; }
.presets .btn { margin: 0 0.3rem 0.3rem 0; }
.sidebar h5 { margin-top: 0.9rem; }
#running { display: none; position: fixed; top: 0.6rem; right: 1rem; z-index: 2000;
  padding: 0.45rem 0.9rem; border-radius: 0.4rem; background: #0072B2; color: #fff;
  font-weight: 600; box-shadow: 0 2px 6px rgba(0,0,0,.25); }
html.shiny-busy #running { display: block; }
"""
    )


# The page says which language it is in, so the browser picks the right glyphs.
_LANG_SCRIPT: Final = """
$(document).on('shiny:connected', function () {
  Shiny.addCustomMessageHandler('flocksim-lang', function (message) {
    document.documentElement.lang = message.lang === 'zh' ? 'zh-Hans' : message.lang;
  });
});
"""


def _label(name: str, lang: str, currency: str, channel: str) -> str:
    return text(f"app.lever.{name}", lang, currency=currency, channel=_channel(channel, lang))


def _channel(name: str, lang: str) -> str:
    key = f"app.channel.{name}"
    return text(key, lang) if has_text(key, lang) else name


def _controls(levers: Levers, lang: str, currency: str, channel: str) -> list[Tag | TagList]:
    """The sidebar: language, preset stories, then each firm's levers."""
    items: list[Tag | TagList] = [
        ui.input_radio_buttons("lang", None, LANGUAGE_NAMES, selected=lang, inline=True),
        ui.h5(ui.output_text("head_presets", inline=True)),
        ui.div(
            *[
                ui.input_action_button(
                    f"preset_{name}", text(f"app.preset.{name}", lang), class_="btn-sm"
                )
                for name in PRESETS
            ],
            class_="presets",
        ),
    ]
    for section, names in _SECTIONS.items():
        items.append(ui.h5(ui.output_text(f"head_{section}", inline=True)))
        for name in names:
            label = _label(name, lang, currency, channel)
            if name in _SWITCHES:
                items.append(ui.input_switch(name, label, value=bool(getattr(levers, name))))
            else:
                low, high, step = LEVER_RANGES[name]
                items.append(
                    ui.input_slider(
                        name, label, low, high, getattr(levers, name), step=step, ticks=False
                    )
                )
    return items


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _draw(draw: Callable[[Outcome, str], bytes], outcome: Outcome, lang: str) -> bytes:
    with _DRAWING:
        return draw(outcome, lang)


def build_app(lang: str = "en", firms: Firms | None = None, runner: Runner | None = None) -> App:
    """The Shiny app over the two firms.

    Parameters
    ----------
    lang : str, optional
        The language the page opens in (the switch on the page changes it).
    firms : Firms, optional
        The firms to start from (default: the repository's scenario files).
    runner : Runner, optional
        Runs the firms (default: :class:`~sim.app.model.Runner` over ``firms``).
    """
    check_lang(lang)
    firms = firms if firms is not None else Firms.load()
    runner = runner if runner is not None else Runner(firms)
    article = Levers.article(firms)
    currency = firms.currency
    channels = firms.full_system.marketing.channels
    channel = channels[0].name if channels else ""

    page = ui.page_sidebar(
        ui.sidebar(*_controls(article, lang, currency, channel), width=380, open="always"),
        ui.head_content(
            ui.tags.link(rel="icon", href="data:,"),
            ui.tags.style(_css()),
            ui.tags.script(_LANG_SCRIPT),
        ),
        ui.busy_indicators.use(spinners=True, pulse=True, fade=True),
        ui.div(ui.output_text("running", inline=True), id="running", role="status"),
        ui.output_ui("cost"),
        ui.output_ui("messages"),
        ui.output_ui("verdict"),
        ui.output_ui("hours"),
        ui.output_ui("figures"),
        ui.output_ui("note"),
        title=ui.h1(ui.output_text("title", inline=True), class_="app-title"),
        window_title=text("app.title", lang),
        lang="zh-Hans" if lang == "zh" else lang,
        fillable=False,
    )

    def server(input: Inputs, output: Outputs, session: Session) -> None:
        def language() -> str:
            return str(input.lang())

        def t(key: str, **values: Any) -> str:
            return text(key, language(), **values)

        @reactive.calc
        def levers() -> Levers:
            values = {name: input[name]() for name in (*_SLIDERS, *_SWITCHES)}
            return Levers(**values)

        @reactive.calc
        async def outcome() -> Outcome | list[Message]:
            chosen = levers()
            try:
                return await asyncio.to_thread(runner, chosen)
            except LeverError as exc:
                return exc.messages
            except Exception as exc:  # a room sees a sentence, the log keeps the traceback
                log.exception("the app's run failed for %s", chosen)
                return [Message("app.error.failed", {"detail": str(exc) or type(exc).__name__})]

        @reactive.effect
        @reactive.event(input.lang, ignore_init=True)
        async def _relabel() -> None:
            lang = language()
            for name in (*_SLIDERS, *_SWITCHES):
                label = _label(name, lang, currency, channel)
                if name in _SWITCHES:
                    ui.update_switch(name, label=label)
                else:
                    ui.update_slider(name, label=label)
            for name in PRESETS:
                ui.update_action_button(f"preset_{name}", label=text(f"app.preset.{name}", lang))
            await session.send_custom_message("flocksim-lang", {"lang": lang})

        def apply_preset(name: str) -> None:
            chosen = preset(name, firms)
            for slider in _SLIDERS:
                ui.update_slider(slider, value=getattr(chosen, slider))
            for switch in _SWITCHES:
                ui.update_switch(switch, value=bool(getattr(chosen, switch)))

        for name in PRESETS:

            @reactive.effect
            @reactive.event(input[f"preset_{name}"], ignore_init=True)
            def _preset(name: str = name) -> None:
                apply_preset(name)

        @render.text
        def title() -> str:
            return t("app.title")

        @render.text
        def running() -> str:
            return t("app.running")

        @render.text
        def head_presets() -> str:
            return t("app.presets")

        @render.text
        def head_both() -> str:
            return t("app.section.both")

        @render.text
        def head_sales_only() -> str:
            return t("app.section.sales_only")

        @render.text
        def head_full_system() -> str:
            return t("app.section.full_system")

        @render.ui
        def cost() -> Tag:
            costs = weekly_costs(levers(), firms)
            same = costs is not None and abs(costs[0] - costs[1]) < 0.5
            return ui.div(
                view.cost_sentence(costs, currency, language()),
                id="cost-readout",
                class_="cost" if same else "cost differs",
            )

        @render.ui
        async def messages() -> TagList:
            lang = language()
            result = await outcome()
            shown: list[Tag] = []
            if not isinstance(result, Outcome):
                shown += [ui.div(m.text(lang), class_="problem", role="alert") for m in result]
            shown += [ui.p(m.text(lang), class_="note") for m in notes(levers(), firms)]
            return TagList(*shown)

        @render.ui
        async def verdict() -> Tag | None:
            lang = language()
            result = await outcome()
            if not isinstance(result, Outcome):
                return None
            return ui.div(
                *[ui.p(line) for line in view.verdict_lines(result, lang)], class_="verdict"
            )

        @render.ui
        async def hours() -> Tag | None:
            lang = language()
            result = await outcome()
            if not isinstance(result, Outcome):
                return None
            png = await asyncio.to_thread(_draw, view.time_use_png, result, lang)
            return ui.img(
                src=_data_url(png),
                alt=t("chart.name.sales_time_use"),
                id="hours-chart",
                class_="chart",
            )

        @render.ui
        async def figures() -> TagList | None:
            lang = language()
            result = await outcome()
            if not isinstance(result, Outcome):
                return None
            alone, full = result.names
            head = ui.tags.tr(
                ui.tags.th(""),
                ui.tags.th(view.firm_label(alone, lang)),
                ui.tags.th(view.firm_label(full, lang)),
                ui.tags.th(t("app.column.difference")),
            )
            rows = [
                ui.tags.tr(
                    ui.tags.th(row.title, scope="row"),
                    ui.tags.td(row.sales_only, class_="num"),
                    ui.tags.td(row.full_system, class_="num"),
                    ui.tags.td(row.difference, class_="num"),
                    data_figure=row.figure,
                )
                for row in view.key_rows(result, lang)
            ]
            png = await asyncio.to_thread(_draw, view.figures_png, result, lang)
            return TagList(
                ui.tags.table(
                    ui.tags.thead(head), ui.tags.tbody(*rows), class_="table figures", id="figures"
                ),
                ui.img(
                    src=_data_url(png),
                    alt=t("chart.name.key_figures"),
                    id="figures-chart",
                    class_="chart",
                ),
            )

        @render.ui
        async def note() -> Tag | None:
            lang = language()
            result = await outcome()
            if not isinstance(result, Outcome):
                return None
            return ui.p(view.run_note(result, lang), class_="note")

    return App(page, server, static_assets={"/fonts": font_paths()[0].parent})


def serve(host: str = "127.0.0.1", port: int = 8050, lang: str = "en") -> None:
    """Build the app and serve it until interrupted (uvicorn; no browser is opened)."""
    import uvicorn

    uvicorn.run(build_app(lang), host=host, port=port, log_level="warning")
