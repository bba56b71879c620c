"""The plugin host: loads plugins from entry points, collects and validates readers.

Plugins are found under the entry-point group ``corpus`` (the built-in readers too,
through this project's own ``pyproject.toml``). A plugin that fails to import or to
register is reported and skipped; the others still load. ``CORPUS_DISABLE_PLUGINS``
(comma-separated entry-point or reader names) switches plugins off.
"""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pluggy

from corpus import canonical_policy, hookspecs
from corpus.canonical import Canonical, SourceText
from corpus.errors import PluginError
from corpus.readers import RegisteredReader, validate_reader

DISABLE_ENV = "CORPUS_DISABLE_PLUGINS"
OWN_DISTRIBUTION = "corpus"


@dataclass(frozen=True)
class PluginProblem:
    """A plugin (or one of its readers) that could not be used, and why."""

    plugin: str
    error: str


def disabled_names(environ: dict[str, str] | None = None) -> frozenset[str]:
    raw = (environ if environ is not None else os.environ).get(DISABLE_ENV, "")
    return frozenset(name.strip() for name in raw.split(",") if name.strip())


class PluginHost:
    """Owns the pluggy manager; the core calls typed methods, never ``pm.hook`` directly."""

    def __init__(
        self,
        *,
        load_entry_points: bool = True,
        extra_plugins: Iterable[object] = (),
        disabled: Iterable[str] | None = None,
    ) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self._disabled = frozenset(disabled) if disabled is not None else disabled_names()
        self._origin: dict[str, str] = {}
        self.problems: list[PluginProblem] = []
        self._pm.register(canonical_policy, name="corpus.canonical_policy")
        self._origin["corpus.canonical_policy"] = OWN_DISTRIBUTION
        if load_entry_points:
            self._load_entry_points()
        for i, plugin in enumerate(extra_plugins):
            name = getattr(plugin, "__name__", None) or f"{type(plugin).__name__}#{i}"
            self._register(plugin, name, origin=name)
        self._readers = self._collect_readers()

    # -- loading -----------------------------------------------------------------
    def _load_entry_points(self) -> None:
        eps = importlib.metadata.entry_points(group=hookspecs.PROJECT)

        # Built-ins first, then third parties by name: on a sniff tie the later
        # registered reader wins, so a user's plugin overrides a built-in one.
        def order(ep: importlib.metadata.EntryPoint) -> tuple[int, str]:
            dist = ep.dist.name if ep.dist is not None else ""
            return (0 if dist == OWN_DISTRIBUTION else 1, ep.name)

        seen: set[str] = set()
        for ep in sorted(eps, key=order):
            if ep.name in seen or ep.name in self._disabled:
                continue
            seen.add(ep.name)
            dist = ep.dist.name if ep.dist is not None else ep.value
            try:
                plugin = ep.load()
            except Exception as exc:  # a broken plugin is reported, never fatal
                self.problems.append(
                    PluginProblem(ep.name, f"failed to import {ep.value!r} (from {dist}): {type(exc).__name__}: {exc}")
                )
                continue
            self._register(plugin, ep.name, origin=dist)

    def _register(self, plugin: object, name: str, *, origin: str) -> None:
        try:
            self._pm.register(plugin, name=name)
        except Exception as exc:
            self.problems.append(PluginProblem(name, f"could not be registered: {type(exc).__name__}: {exc}"))
            return
        self._origin[name] = origin

    def _collect_readers(self) -> list[RegisteredReader]:
        readers: dict[str, RegisteredReader] = {}
        # get_hookimpls() is in registration order (pluggy *calls* them in reverse).
        # Each plugin is called on its own, through pluggy (which passes only the
        # arguments an implementation asks for), so one that raises does not stop the others.
        plugins = self._pm.get_plugins()
        for impl in self._pm.hook.corpus_register_readers.get_hookimpls():
            plugin = impl.plugin_name
            collected: list[Any] = []
            alone = self._pm.subset_hook_caller(
                "corpus_register_readers", remove_plugins=[p for p in plugins if p is not impl.plugin]
            )
            try:
                alone(register=collected.append)
            except Exception as exc:
                self.problems.append(
                    PluginProblem(plugin, f"corpus_register_readers raised {type(exc).__name__}: {exc}")
                )
                continue
            for obj in collected:
                try:
                    reader = validate_reader(obj, plugin)
                except PluginError as exc:
                    self.problems.append(PluginProblem(plugin, str(exc)))
                    continue
                if reader.name in self._disabled:
                    continue
                if reader.name in readers:
                    other = readers[reader.name].plugin
                    self.problems.append(
                        PluginProblem(
                            plugin,
                            f"reader name {reader.name!r} is already registered by plugin {other!r}; "
                            f"this reader is skipped (rename it, or disable one with {DISABLE_ENV})",
                        )
                    )
                    continue
                readers[reader.name] = RegisteredReader(reader, self._origin.get(plugin, plugin))
        return list(readers.values())

    # -- typed hook calls --------------------------------------------------------
    @property
    def readers(self) -> Sequence[RegisteredReader]:
        return tuple(self._readers)

    @property
    def builtin_canonical(self) -> bool:
        """Is the built-in canonical-text policy the only one (no plugin replaces it)?"""
        return all(impl.plugin is canonical_policy for impl in self._pm.hook.corpus_canonical_text.get_hookimpls())

    def canonical_text(self, title: str | None, sources: Sequence[SourceText]) -> Canonical:
        result = self._pm.hook.corpus_canonical_text(title=title, sources=list(sources))
        if not isinstance(result, Canonical):
            raise PluginError(f"corpus_canonical_text returned {type(result).__name__}, expected corpus.Canonical")
        return result
