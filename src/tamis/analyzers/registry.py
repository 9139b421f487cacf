"""Finds analyzers through the `tamis.analyzers` entry-point group.

Built-in analyzers register there exactly like third-party ones, so the extension point is
exercised by every run of tamis and cannot quietly rot.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from functools import cache
from importlib.metadata import entry_points

from tamis.analyzers.base import Analyzer
from tamis.errors import ConfigurationError

GROUP = "tamis.analyzers"


@cache
def available() -> dict[str, type[Analyzer]]:
    found: dict[str, type[Analyzer]] = {}
    for ep in entry_points(group=GROUP):
        cls = ep.load()
        name = getattr(cls, "name", None)
        if name != ep.name:
            raise ConfigurationError(
                f"analyzer entry point {ep.name!r} loads a class named {name!r}; they must match"
            )
        found[ep.name] = cls
    return found


def load(names: Iterable[str] | None = None) -> tuple[Analyzer, ...]:
    """Instantiate the named analyzers (all registered ones when `names` is None).

    A name may also be `package.module:Class`, to try an analyzer before packaging it.
    """
    classes = dict(available())
    wanted = list(classes) if names is None else list(names)
    for spec in wanted:
        if ":" in spec:
            module, _, attr = spec.partition(":")
            classes[spec] = getattr(importlib.import_module(module), attr)
    unknown = [n for n in wanted if n not in classes]
    if unknown:
        raise ConfigurationError(
            f"unknown analyzer(s) {', '.join(unknown)}; available: {', '.join(sorted(classes))}"
        )
    return tuple(classes[n]() for n in wanted)
