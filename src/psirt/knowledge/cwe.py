"""MITRE's CWE catalog: names, abstraction, and the mapping usage that says whether a CWE may be
used in a CVE record (and which more precise CWEs MITRE suggests instead).

The catalog ships as a 14 MB XML file inside ``cwe2``. Parsing it takes a good part of a second,
so psirt ships the compact JSON index of that catalog (``data/cwe/cwe-<version>.json``, checked
against the XML by the tests); a lookup in a new process only reads an index. Another version of
the bundled XML (a newer ``cwe2``) is parsed once into the user cache directory, keyed by the
catalog's content version. A newer catalog loaded with ``psirt cwe update --from FILE`` is stored
there too and, being newer, wins.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from psirt.core.errors import InputError
from psirt.core.words import quoted

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

Kind = Literal["weakness", "category", "view"]
USAGES: tuple[str, ...] = ("Allowed", "Allowed-with-Review", "Discouraged", "Prohibited")

INDEX_FORMAT = 1
CACHE_ENV = "PSIRT_CACHE_DIR"
SHIPPED_DIR = Path(__file__).parent / "data" / "cwe"  # the bundled catalog's index, pre-built

# CWE ids have at most 4 digits today; 9 leaves room and keeps "CWE-" and 5,000 digits
# "not a CWE id" instead of a failed integer conversion.
_ID = re.compile(r"^\s*(?:cwe\s*[-_:]?\s*)?0*(\d{1,9})\s*$", re.IGNORECASE)
_MENTION = re.compile(r"\bCWE-(\d{1,9})\b")
_HEADER = re.compile(rb"<Weakness_Catalog\b[^>]*?\bVersion=\"([^\"]+)\"")
_INDEX_NAME = re.compile(r"^cwe-(\d+(?:\.\d+)*)\.json$")
_KIND_OF_TAG = {"Weakness": "weakness", "Category": "category", "View": "view"}


@dataclass(frozen=True)
class CweEntry:
    id: str  # "CWE-400"
    name: str
    abstraction: str | None  # Pillar, Class, Base, Variant, Compound; None for categories, views
    status: str
    kind: Kind
    usage: str  # one of USAGES
    suggestions: tuple[str, ...]  # CWE ids MITRE suggests instead, e.g. ("CWE-770", ...)

    @property
    def number(self) -> int:
        return int(self.id[4:])

    @property
    def allowed(self) -> bool:
        """Whether a CVE record may use this CWE without a second look."""
        return self.usage == "Allowed"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "abstraction": self.abstraction,
            "status": self.status,
            "kind": self.kind,
            "usage": self.usage,
            "suggestions": list(self.suggestions),
        }


# Compact row stored in the index: name, abstraction, status, kind, usage, suggestion numbers.
_Row = tuple[str, str | None, str, str, str, tuple[int, ...]]


_QUOTE_STYLES = str.maketrans({"\u2018": "'", "\u2019": "'", '"': "'"})


def _name_key(name: str) -> str:
    return " ".join(name.translate(_QUOTE_STYLES).split()).lower()


def same_cwe_name(a: str, b: str) -> bool:
    """Whether two texts name the same CWE, as titles write it (case, spacing, quote style)."""
    return _name_key(a) == _name_key(b)


class CweCatalog:
    """An immutable index of one catalog version; ``get`` is a dict lookup."""

    def __init__(self, version: str, date: str, rows: dict[int, _Row], source: str = "") -> None:
        self.version = version
        self.date = date
        self.source = source
        self._rows = rows
        self._names: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, cwe_id: object) -> bool:
        return isinstance(cwe_id, str | int) and self.get(str(cwe_id)) is not None

    def get(self, cwe_id: str) -> CweEntry | None:
        """The entry for ``CWE-400``, ``400`` or ``cwe-400``; None if unknown or not an id."""
        match = _ID.match(str(cwe_id))
        if not match:
            return None
        number = int(match.group(1))
        row = self._rows.get(number)
        if row is None:
            return None
        name, abstraction, status, kind, usage, suggestions = row
        return CweEntry(
            id=f"CWE-{number}",
            name=name,
            abstraction=abstraction,
            status=status,
            kind=cast(Kind, kind),
            usage=usage,
            suggestions=tuple(f"CWE-{n}" for n in suggestions),
        )

    def by_name(self, name: str) -> CweEntry | None:
        """The entry named exactly ``name`` (case, spacing and quote style aside)."""
        if self._names is None:
            self._names = {_name_key(row[0]): number for number, row in self._rows.items()}
        number = self._names.get(_name_key(name))
        return None if number is None else self.get(str(number))

    def entries(self) -> Iterator[CweEntry]:
        for number in sorted(self._rows):
            entry = self.get(str(number))
            assert entry is not None
            yield entry

    def to_json(self) -> dict[str, Any]:
        return {
            "format": INDEX_FORMAT,
            "version": self.version,
            "date": self.date,
            "source": self.source,
            "entries": {str(n): [*row[:5], list(row[5])] for n, row in self._rows.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CweCatalog:
        if data.get("format") != INDEX_FORMAT:
            raise ValueError("index format differs")
        rows: dict[int, _Row] = {
            int(n): (r[0], r[1], r[2], r[3], r[4], tuple(r[5])) for n, r in data["entries"].items()
        }
        return cls(str(data["version"]), str(data["date"]), rows, str(data.get("source", "")))


def normalize_cwe_id(text: str) -> str:
    """``CWE-400`` from ``400``, ``cwe-400``, ``CWE 400`` or ``CWE-0400``."""
    match = _ID.match(str(text))
    if not match:
        raise InputError(f"not a CWE id: {quoted(str(text), 60)} (expected CWE-NNN, e.g. CWE-400)")
    return f"CWE-{int(match.group(1))}"


def lookup(cwe_id: str) -> CweEntry:
    """The entry for ``cwe_id``; an unknown or malformed id is an ``InputError``."""
    normalized = normalize_cwe_id(cwe_id)
    catalog = load_catalog()
    entry = catalog.get(normalized)
    if entry is None:
        raise InputError(f"unknown CWE id: {normalized} (not in the CWE {catalog.version} catalog)")
    return entry


# --- parsing the XML -------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(elem: Element, name: str) -> Element | None:
    for child in elem:
        if _local(child.tag) == name:
            return child
    return None


def _row_from(elem: Element, kind: str) -> tuple[int, _Row]:
    number = int(elem.attrib["ID"])
    usage = ""
    suggestions: list[int] = []
    notes = _child(elem, "Mapping_Notes")
    if notes is not None:
        usage_el = _child(notes, "Usage")
        usage = (usage_el.text or "").strip() if usage_el is not None else ""
        for sub in notes.iter():
            if _local(sub.tag) == "Suggestion" and "CWE_ID" in sub.attrib:
                suggestions.append(int(sub.attrib["CWE_ID"]))
        comments = _child(notes, "Comments")
        if comments is not None:
            suggestions.extend(int(m) for m in _MENTION.findall("".join(comments.itertext())))
    if kind != "weakness":
        usage = "Prohibited"  # MITRE never allows mapping to a category or a view
    elif usage not in USAGES:
        usage = "Prohibited" if elem.attrib.get("Status") == "Deprecated" else "Allowed"
    unique = tuple(dict.fromkeys(n for n in suggestions if n != number))
    row: _Row = (
        elem.attrib.get("Name", ""),
        elem.attrib.get("Abstraction") if kind == "weakness" else None,
        elem.attrib.get("Status", ""),
        kind,
        usage,
        unique,
    )
    return number, row


def parse_catalog_xml(path: Path) -> CweCatalog:
    """Stream the catalog once, keeping only what the index needs (entries are freed as read)."""
    from xml.etree.ElementTree import ParseError, iterparse  # only when (re)building the index

    rows: dict[int, _Row] = {}
    version = date = ""
    depth = 0
    try:
        for event, elem in iterparse(str(path), events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 1:
                    if _local(elem.tag) != "Weakness_Catalog":
                        raise InputError(
                            f"not a CWE catalog (root element {_local(elem.tag)!r}, "
                            "expected 'Weakness_Catalog')",
                            where=str(path),
                        )
                    version = elem.attrib.get("Version", "")
                    date = elem.attrib.get("Date", "")
                continue
            depth -= 1
            if depth == 2:  # Weaknesses/Weakness, Categories/Category, Views/View
                kind = _KIND_OF_TAG.get(_local(elem.tag))
                if kind is not None and "ID" in elem.attrib:
                    number, row = _row_from(elem, kind)
                    rows[number] = row
                elem.clear()
    except ParseError as exc:
        raise InputError(f"malformed XML: {exc}", where=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", where=str(path)) from exc
    if not version or not rows:
        raise InputError("not a CWE catalog (no Version or no entries)", where=str(path))
    return CweCatalog(version, date, rows, source=str(path))


# --- the cache -----------------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where indexes live: ``$PSIRT_CACHE_DIR`` (tests), else the user cache directory."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override) / "cwe"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("psirt")) / "cwe"


def bundled_xml() -> Path:
    """The newest ``cwec_v*.xml`` shipped by ``cwe2``, found without importing it (its import
    opens a dozen CSV files)."""
    import importlib.util

    spec = importlib.util.find_spec("cwe2")
    locations = list(spec.submodule_search_locations or []) if spec else []
    found = sorted(
        (p for loc in locations for p in Path(loc).glob("database_v*/cwec_v*.xml")),
        key=lambda p: _version_key(p.stem.removeprefix("cwec_v")),
    )
    if not found:
        raise InputError("the cwe2 package and its cwec_v*.xml catalog are not installed")
    return found[-1]


def catalog_version(path: Path) -> str:
    """The catalog's content version, from the root element alone."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", where=str(path)) from exc
    match = _HEADER.search(head)
    if not match:
        raise InputError("not a CWE catalog (no Weakness_Catalog Version)", where=str(path))
    return match.group(1).decode()


def _version_key(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in text.split("."))
    except ValueError:
        return (0,)


def _index_path(directory: Path, version: str) -> Path:
    return directory / f"cwe-{version}.json"


def _cached_versions(directory: Path) -> list[str]:
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return [m.group(1) for n in names if (m := _INDEX_NAME.match(n))]


def _read_index(path: Path) -> CweCatalog | None:
    try:
        with path.open("rb") as fh:
            return CweCatalog.from_json(json.load(fh))
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


def _write_index(catalog: CweCatalog, directory: Path) -> Path | None:
    """Atomically write the index; a read-only cache only costs speed, so it is not an error."""
    from psirt.core.files import atomic_write

    target = _index_path(directory, catalog.version)
    try:
        atomic_write(target, json.dumps(catalog.to_json(), separators=(",", ":")))
        return target
    except OSError:
        return None


@lru_cache(maxsize=1)
def load_catalog() -> CweCatalog:
    """The newest catalog available: a cached index, or the bundled XML parsed (and cached)."""
    directory = cache_dir()
    bundled = bundled_xml()
    bundled_version = catalog_version(bundled)
    versions = set(_cached_versions(directory)) | {bundled_version}
    for version in sorted(versions, key=_version_key, reverse=True):
        catalog = _read_index(_index_path(directory, version))
        if catalog is not None and catalog.version == version:
            return catalog
        if version == bundled_version:
            catalog = _read_index(_index_path(SHIPPED_DIR, version))
            if catalog is None or catalog.version != version:
                catalog = parse_catalog_xml(bundled)
            _write_index(catalog, directory)
            return catalog
    raise AssertionError("unreachable: the bundled version is always a candidate")


@dataclass(frozen=True)
class UpdateResult:
    catalog: CweCatalog
    index: Path | None
    in_use: str  # the version load_catalog() now answers with


def update_catalog(xml_path: Path) -> UpdateResult:
    """Index a catalog from MITRE (``cwec_vX.Y.xml``) into the cache; the newest version wins."""
    if not xml_path.is_file():
        raise InputError("no such file (expected MITRE's cwec_vX.Y.xml)", where=str(xml_path))
    catalog = parse_catalog_xml(xml_path)
    index = _write_index(catalog, cache_dir())
    if index is None:
        raise InputError(f"cannot write the CWE index into {cache_dir()}", where=str(xml_path))
    load_catalog.cache_clear()
    return UpdateResult(catalog=catalog, index=index, in_use=load_catalog().version)
