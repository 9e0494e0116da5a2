"""Which settings a scenario's simulation never reads: equal runs run once, and counterparts.

Switching a group of settings often changes nothing the model reads: the
service department's speed means nothing to a firm without service agents,
the insight strengths nothing while no insight is ever learned. Two such
scenarios draw the same random numbers (common random numbers reach every
entity) and take the same decisions, so they produce the same tables, to the
bit. :func:`run_key` hashes a scenario's resolved settings without those it
leaves unread, so that ``sim.explain`` runs each distinct simulation once per
replication however many coalitions of groups lead to it. (For the headline
pair this saves a third of the runs: 80 distinct simulations of 128 subsets.)
:func:`with_counterparts` sets what a scenario does not read to the value of
the setting that does its job there, before two scenarios are compared.

Each rule below restates a decision the model takes once at build time
(``sim.model.firm.Firm``: who handles customers' requests, whether the feedback
loop runs) and nothing more; ``tests/test_explain_inert.py`` runs scenarios
that differ only in what a rule drops and checks that their tables are equal,
so a change of the model that breaks a rule fails there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sim.scenario import Scenario, scenario_from_dict
from sim.scenario.settings import IGNORED, flatten, resolved_settings

#: How customers' requests are handled: the settings of whichever department handles
#: them (sales without service, service with it), each named by its last part.
REQUEST_HANDLING: tuple[str, ...] = ("complaint", "reorder", "onboarding", "complaint_satisfaction")


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(f"{prefix}.")


def unread_settings(flat: Mapping[str, Any]) -> set[str]:
    """The dotted paths of flat resolved settings that the simulation does not read."""
    unread: set[str] = set(IGNORED)
    service_staff = flat.get("service.staff", 0)
    marketing_staff = flat.get("marketing.staff", 0)
    handles = flat.get("sales.handles_service", "auto")
    # who handles customers' requests (Scenario.request_handler)
    handler: str | None
    if service_staff > 0:
        handler = "service"
        unread.add("sales.handles_service")  # service takes them whatever it says
    else:
        handler = "sales" if handles in ("auto", True) else None
        # a department without staff has no hours, costs and requests
        unread |= {p for p in flat if _under(p, "service") and p != "service.staff"}
    if handler != "sales":
        unread |= {f"sales.{work}" for work in ("complaint", "reorder", "onboarding")} | {
            "sales.complaint_satisfaction"
        }
    # the feedback loop runs only with service, switched on, and marketers (Firm.feedback_active)
    loop = (
        service_staff > 0 and flat.get("service.feedback.enabled") is True and marketing_staff > 0
    )
    if not loop:
        unread |= {p for p in flat if _under(p, "service.feedback")}
        if flat.get("marketing.insight.initial", 0) == 0:
            # insight stays 0: its effects, and its fading, are 0 times something
            unread |= {p for p in flat if _under(p, "marketing.insight")}
    if marketing_staff == 0:
        # no marketers: no staff cost, no capacity (all budget at overflow), no research hours
        unread |= {
            "marketing.cost_per_head",
            "marketing.capacity_per_head",
            "marketing.research_share",
        }
    if flat.get("operations.staff", 0) == 0:
        unread.add("operations.cost_per_head")
    if flat.get("sales.prospecting.enabled") is False:
        unread |= {
            p for p in flat if _under(p, "sales.prospecting") and p != "sales.prospecting.enabled"
        }
    return unread


def with_counterparts(scenario: Scenario) -> tuple[Scenario, list[str]]:
    """The scenario with the settings it does not read set to their counterparts.

    A scenario carries settings it never reads (the sales-only firm's service
    agents' speed, its feedback loop), at whatever their defaults are. Set
    against another scenario that reads them, those defaults would decide what
    a decomposition credits each group with: a service department switched on
    alone would work at the default speed. So, before ``sim.explain``
    compares two scenarios, each unread setting takes the value of the setting
    that does its job in that scenario:

    - customers' requests: the department that does not handle them works as
      the one that does (``service.complaint`` takes ``sales.complaint`` in a
      firm without service agents, and the other way round), so "service speed
      and quality" means how requests are handled, by whoever handles them;
    - a feedback loop that cannot run (no service agents or no marketers) is
      off, so the loop's worth is credited to "feedback and insight".

    The scenario simulates exactly as before (only unread settings change:
    :func:`run_key` is the same). Returns the scenario and the paths changed.
    """
    settings = resolved_settings(scenario)
    flat = flatten(settings)
    unread = unread_settings(flat)
    changed: list[str] = []

    def put(section: str, key: str, value: Any) -> None:
        if settings[section].get(key) != value:
            settings[section][key] = value
            changed.append(f"{section}.{key}")

    handled_by_sales = "sales.complaint" not in unread
    handled_by_service = "service.complaint" not in unread
    for key in REQUEST_HANDLING:
        if handled_by_sales and f"service.{key}" in unread:
            put("service", key, settings["sales"][key])
        elif handled_by_service and f"sales.{key}" in unread:
            put("sales", key, settings["service"][key])
    if "service.feedback.enabled" in unread and settings["service"]["feedback"]["enabled"]:
        settings["service"]["feedback"]["enabled"] = False
        changed.append("service.feedback.enabled")
    if not changed:
        return scenario, []
    settings["name"] = scenario.name
    neutral = scenario_from_dict(settings, source=scenario.source)
    if run_key(neutral) != run_key(scenario):  # a rule above reaches a setting that is read
        raise RuntimeError(f"counterparts changed what {scenario.name!r} simulates: {changed}")
    return neutral, changed


def effective_settings(scenario: Scenario) -> dict[str, Any]:
    """The flat resolved settings the simulation reads."""
    flat = flatten(resolved_settings(scenario))
    unread = unread_settings(flat)
    return {path: value for path, value in flat.items() if path not in unread}


def run_key(scenario: Scenario) -> str:
    """SHA-256 of the settings the simulation reads: equal keys, equal tables."""
    text = json.dumps(effective_settings(scenario), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


__all__ = [
    "REQUEST_HANDLING",
    "effective_settings",
    "run_key",
    "unread_settings",
    "with_counterparts",
]
