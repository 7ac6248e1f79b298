"""Plug-in points: a lower app offers a Registry; an upper app registers its function in ready().

A lower app never names an upper one (not even in a string). It declares what it accepts, e.g.
`STAGE_SOURCES = Registry("journey stage sources")`, and loops over it. The upper app adds itself
from its `AppConfig.ready()`, which Django runs once every app is loaded:

    class PathologyConfig(AppConfig):
        def ready(self) -> None:
            TEXT_READY_HOOKS.register(pathology_text_ready)

The dependency then points the way the layers say (upper imports lower), import-linter sees it,
and an app that is not installed adds nothing. Registering the same function twice is harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Registry(Generic[F]):
    """An ordered set of functions, filled by upper apps at start-up."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: list[F] = []

    def register(self, func: F) -> F:
        if func not in self._items:
            self._items.append(func)
        return func

    def __iter__(self) -> Iterator[F]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, func: object) -> bool:
        return func in self._items

    def __repr__(self) -> str:
        return f"Registry({self.name!r}, {len(self._items)} registered)"
