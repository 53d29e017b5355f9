"""The plugin registry: type names (and legacy aliases) to plugin classes, found through entry points.

Third-party packages add types by declaring, in their `pyproject.toml`:

    [project.entry-points."choreo.plugins"]
    mycompany = "mycompany_choreo:PLUGINS"     # a sequence of plugin classes (or a function returning one)

An entry point may instead name an index — `(kind, type name, aliases, "module:Class")` tuples, see
`choreo.plugins.index` — whose classes are imported only when a flow first uses their type. Importing a plugin
module registers nothing; the registry is built explicitly.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from importlib.metadata import entry_points
from typing import Any

from choreo.errors import ChoreoError
from choreo.model.plugin import PluginModel
from choreo.model.types import PluginKind
from choreo.plugins.index import load

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
        #: Indexed types not imported yet: kind → name or alias → "module:Class".
        self._lazy: dict[PluginKind, dict[str, str]] = {"task": {}, "trigger": {}, "condition": {}, "runner": {}}
        self._canonical: dict[PluginKind, set[str]] = {
            "task": set(),
            "trigger": set(),
            "condition": set(),
            "runner": set(),
        }
        for plugin in plugins:
            self.register(plugin)

    @classmethod
    def from_entry_points(cls, group: str = ENTRY_POINT_GROUP) -> PluginRegistry:
        """Build the registry from every installed package's `choreo.plugins` entry points."""
        registry = cls()
        for entry in sorted(entry_points(group=group), key=lambda e: e.name):
            loaded: Any = entry.load()
            plugins: Sequence[Any] = loaded() if callable(loaded) and not isinstance(loaded, type) else loaded
            if isinstance(plugins, type):
                plugins = [plugins]
            for plugin in plugins:
                if isinstance(plugin, tuple):
                    registry.register_lazy(*plugin)
                else:
                    registry.register(plugin)
        return registry

    def register_lazy(self, kind: PluginKind, type_name: str, aliases: Sequence[str], target: str) -> None:
        """Declare a type whose class (`module:Class`) is imported when it is first resolved."""
        for name in (type_name, *aliases):
            existing = self._by_name[kind].get(name)
            claimed = self._lazy[kind].get(name)
            if (existing is not None and _target(existing) != target) or (claimed is not None and claimed != target):
                raise PluginConflict(f"type '{name}' is declared by both {claimed or _target(existing)} and {target}")
            self._lazy[kind][name] = target
        self._canonical[kind].add(type_name)

    def register(self, plugin: PluginClass) -> None:
        if not plugin.type_name:
            raise PluginConflict(f"{plugin.__qualname__} has no type_name")
        names = self._by_name[plugin.plugin_kind]
        for name in (plugin.type_name, *plugin.aliases):
            existing = names.get(name)
            claimed = self._lazy[plugin.plugin_kind].get(name)
            if claimed is not None and claimed != _target(plugin):
                raise PluginConflict(f"type '{name}' is declared by both {claimed} and {_target(plugin)}")
            if existing is not None and existing is not plugin:
                raise PluginConflict(
                    f"type '{name}' is declared by both {existing.__module__}.{existing.__qualname__} "
                    f"and {plugin.__module__}.{plugin.__qualname__}"
                )
            names[name] = plugin
        self._canonical[plugin.plugin_kind].add(plugin.type_name)
        if plugin not in self._classes:
            self._classes.append(plugin)

    def resolve(self, kind: PluginKind, name: str) -> PluginClass | None:
        """The class for a type name or alias (imported now if it was only indexed), or None."""
        found = self._by_name[kind].get(name)
        if found is None and name in self._lazy[kind]:
            found = load(self._lazy[kind][name])
            self.register(found)
        return found

    def suggest(self, kind: PluginKind, name: str) -> str | None:
        """The registered type name closest to `name`, for 'did you mean' hints."""
        return closest(name, self.names(kind, include_aliases=False))

    def names(self, kind: PluginKind, *, include_aliases: bool = True) -> list[str]:
        if include_aliases:
            return sorted(set(self._by_name[kind]) | set(self._lazy[kind]))
        return sorted(self._canonical[kind])

    def classes(self, kind: PluginKind | None = None) -> Iterator[PluginClass]:
        """Every plugin class (indexed ones are imported)."""
        for each_kind, names in self._lazy.items():
            if kind is None or each_kind == kind:
                for name in list(names):
                    self.resolve(each_kind, name)
        for plugin in self._classes:
            if kind is None or plugin.plugin_kind == kind:
                yield plugin

    def __len__(self) -> int:
        return sum(len(names) for names in self._canonical.values())


def _target(plugin: PluginClass) -> str:
    return f"{plugin.__module__}:{plugin.__qualname__}"


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
