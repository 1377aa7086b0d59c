"""Limits on what a YAML document may do before psirt builds anything from it.

Aliases (``*name``): a few nested ones expand into billions of values (a "billion laughs"
document) once a reader walks them; the texts psirt reads from people (a CVE block, a post's
front matter) need none, and ``NoAliasComposer`` refuses them with their line.

ruamel's scanner keeps one possible simple key per open flow collection (``[`` or ``{``) and
re-checks them all at each token, so a few kilobytes of ``[[[[...`` cost seconds; the composer
then recurses once per level. A scanner made here refuses a flow collection nested deeper than
its limit at the bracket that opens it, with the line, in the time it takes to read that far.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scanner import RoundTripScanner, Scanner, ScannerError

#: Flow collections nested deeper than this are refused (psirt's files nest three or four).
MAX_FLOW_DEPTH = 32


class _FlowDepthLimit:
    """Mixin for a ruamel scanner: refuse flow collections nested deeper than the limit."""

    flow_context: list[Any]
    reader: Any

    def fetch_flow_collection_start(self, TokenClass: Any, to_push: Any) -> None:
        if len(self.flow_context) >= MAX_FLOW_DEPTH:
            raise ScannerError(
                None,
                None,
                f"flow collections ([ or {{) nested more than {MAX_FLOW_DEPTH} levels",
                self.reader.get_mark(),
            )
        super().fetch_flow_collection_start(TokenClass, to_push)  # type: ignore[misc]


class LimitedScanner(_FlowDepthLimit, Scanner):
    """The safe loader's scanner, with the flow depth limit."""


class LimitedRoundTripScanner(_FlowDepthLimit, RoundTripScanner):
    """The round-trip loader's scanner, with the flow depth limit."""


class NoAliasComposer(Composer):
    """Refuses ``*alias`` nodes, naming the line of the first."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            raise ComposerError(
                None,
                None,
                f"aliases (*{event.anchor}) are not allowed here; write the value",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def guarded_safe_yaml() -> YAML:
    """A safe, pure-Python loader with the flow depth limit and no aliases."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Scanner = LimitedScanner
    yaml.Composer = NoAliasComposer
    return yaml


class OnceVersionedResolver(VersionedResolver):
    """A resolver for ruamel's C loader that picks its YAML version's implicit resolvers once.

    ruamel's ``VersionedResolver`` asks for the version at every scalar, each time through two
    failed attribute look-ups when the C parser loads (it has no scanner to ask), and each new
    resolver (one per document) builds the version's table of implicit resolvers again: about a
    third of a C load's time. The C parser gives the resolver no ``%YAML`` directive, so the
    version cannot change during a document, and a table depends only on the version and on
    the method that fills it (``add_version_implicit_resolver``, which a subclass may narrow):
    each is built once and shared, read only. The key is that method, not the class: ruamel
    makes a new loader class for each C load. Only for C loaders: the Python parser reads
    ``%YAML``."""

    _tables: ClassVar[dict[tuple[Any, Any], Any]] = {}
    _once: Any = None

    @property
    def versioned_resolver(self) -> Any:
        if self._once is None:
            key = (type(self).add_version_implicit_resolver, self.processing_version)
            table = self._tables.get(key)
            if table is None:
                table = VersionedResolver.versioned_resolver.fget(self)  # type: ignore[attr-defined]
                self._tables[key] = table
            self._once = table
        return self._once
