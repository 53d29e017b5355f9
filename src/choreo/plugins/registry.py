"""The plugin registry: type names (and legacy aliases) to plugin classes, found through entry points.

Third-party packages add types by declaring, in their `pyproject.toml`:

    [project.entry-points."choreo.plugins"]
    mycompany = "mycompany_choreo:PLUGINS"     # a sequence of plugin classes (or a function returning one)

Importing a plugin module registers nothing; the registry is built explicitly.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from importlib.metadata import entry_points
from typing import Any

from choreo.errors import ChoreoError
from choreo.model.plugin import PluginModel
from choreo.model.types import PluginKind

ENTRY_POINT_GROUP = "choreo.plugins"

PluginClass = type[PluginModel]


class PluginConflict(ChoreoError):
    """Two plugin classes claim the same type name."""


class PluginRegistry:
    """Maps each type name and alias to its class, per kind (task, trigger, condition, runner)."""

    def __init__(self, plugins: Iterable[PluginClass] = ()) -> None:
        self._by_name: dict[PluginKind, dict[str, PluginClass]] = {
            "task": {},
            "trigger": {},
            "condition": {},
            "runner": {},
        }
        self._classes: list[PluginClass] = []
        for plugin in plugins:
            self.register(plugin)

    @classmethod
    def from_entry_points(cls, group: str = ENTRY_POINT_GROUP) -> PluginRegistry:
        """Build the registry from every installed package's `choreo.plugins` entry points."""
        registry = cls()
        for entry in sorted(entry_points(group=group), key=lambda e: e.name):
            loaded: Any = entry.load()
            plugins: Sequence[PluginClass] = loaded() if callable(loaded) and not isinstance(loaded, type) else loaded
            if isinstance(plugins, type):
                plugins = [plugins]
            for plugin in plugins:
                registry.register(plugin)
        return registry

    def register(self, plugin: PluginClass) -> None:
        if not plugin.type_name:
            raise PluginConflict(f"{plugin.__qualname__} has no type_name")
        names = self._by_name[plugin.plugin_kind]
        for name in (plugin.type_name, *plugin.aliases):
            existing = names.get(name)
            if existing is not None and existing is not plugin:
                raise PluginConflict(
                    f"type '{name}' is declared by both {existing.__module__}.{existing.__qualname__} "
                    f"and {plugin.__module__}.{plugin.__qualname__}"
                )
            names[name] = plugin
        if plugin not in self._classes:
            self._classes.append(plugin)

    def resolve(self, kind: PluginKind, name: str) -> PluginClass | None:
        """The class for a type name or alias, or None."""
        return self._by_name[kind].get(name)

    def suggest(self, kind: PluginKind, name: str) -> str | None:
        """The registered type name closest to `name`, for 'did you mean' hints."""
        return closest(name, self.names(kind, include_aliases=False))

    def names(self, kind: PluginKind, *, include_aliases: bool = True) -> list[str]:
        if include_aliases:
            return sorted(self._by_name[kind])
        return sorted({cls.type_name for cls in self._by_name[kind].values()})

    def classes(self, kind: PluginKind | None = None) -> Iterator[PluginClass]:
        for plugin in self._classes:
            if kind is None or plugin.plugin_kind == kind:
                yield plugin

    def __len__(self) -> int:
        return len(self._classes)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most similar to `word`, when it is similar enough to be a likely typo.

    Dotted type names share long package prefixes, so their last segments must look alike too.
    """
    pool = list(candidates)
    if not pool:
        return None
    if "." not in word:
        matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
        return matches[0] if matches else None

    def tail(name: str) -> str:
        return name.rsplit(".", 1)[-1].lower()

    def score(candidate: str) -> tuple[float, float]:
        return (
            difflib.SequenceMatcher(None, tail(word), tail(candidate)).ratio(),
            difflib.SequenceMatcher(None, word.lower(), candidate.lower()).ratio(),
        )

    best = max(pool, key=score)
    tail_ratio, full_ratio = score(best)
    return best if tail_ratio >= 0.6 and full_ratio >= 0.75 else None
