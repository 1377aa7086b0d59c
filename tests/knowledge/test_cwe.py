from __future__ import annotations

import json
from pathlib import Path

import pytest

from psirt.core.errors import InputError
from psirt.knowledge import cwe
from psirt.knowledge.cwe import CweEntry, load_catalog, lookup, normalize_cwe_id

CATALOG = """<?xml version="1.0" encoding="UTF-8"?>
<Weakness_Catalog Name="CWE" Version="{version}" Date="2099-01-01"
    xmlns="http://cwe.mitre.org/cwe-7">
  <Weaknesses>
    <Weakness ID="400" Name="Renamed Resource Consumption" Abstraction="Class" Status="Draft">
      <Description>x</Description>
      <Mapping_Notes>
        <Usage>Discouraged</Usage>
        <Comments>Consider CWE-770 and CWE-400 itself, or CWE-770 again, or CWE-1333.</Comments>
        <Suggestions><Suggestion CWE_ID="405" Comment="amplification"/></Suggestions>
      </Mapping_Notes>
    </Weakness>
    <Weakness ID="9001" Name="Without Notes" Abstraction="Base" Status="Draft"/>
    <Weakness ID="9002" Name="DEPRECATED: Old" Abstraction="Base" Status="Deprecated"/>
  </Weaknesses>
  <Categories>
    <Category ID="9003" Name="A Category" Status="Draft">
      <Mapping_Notes><Usage>Allowed</Usage></Mapping_Notes>
    </Category>
  </Categories>
  <Views><View ID="9004" Name="A View" Type="Graph" Status="Draft"/></Views>
</Weakness_Catalog>
"""


def write_catalog(path: Path, version: str) -> Path:
    path.write_text(CATALOG.format(version=version), encoding="utf-8")
    return path


@pytest.fixture
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache seeded with the session's bundled index, so updates stay local."""
    cache = tmp_path / "cache"
    (cache / "cwe").mkdir(parents=True)
    bundled = load_catalog()
    (cache / "cwe" / f"cwe-{bundled.version}.json").write_text(json.dumps(bundled.to_json()))
    monkeypatch.setenv(cwe.CACHE_ENV, str(cache))
    cwe.load_catalog.cache_clear()
    return cache


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CWE-400", "CWE-400"),
        ("400", "CWE-400"),
        ("cwe-400", "CWE-400"),
        (" CWE 400 ", "CWE-400"),
        ("CWE-0400", "CWE-400"),
        ("cwe_79", "CWE-79"),
    ],
)
def test_normalize_accepts_the_usual_spellings(text: str, expected: str) -> None:
    assert normalize_cwe_id(text) == expected


@pytest.mark.parametrize("text", ["", "CWE-", "CWE-4x", "XSS", "CVE-2025-1"])
def test_normalize_rejects_non_ids(text: str) -> None:
    with pytest.raises(InputError, match="expected CWE-NNN"):
        normalize_cwe_id(text)


def test_bundled_catalog_is_version_414_with_every_entry() -> None:
    catalog = load_catalog()
    assert catalog.version == "4.14"
    assert catalog.date == "2024-02-29"
    kinds = [e.kind for e in catalog.entries()]
    assert (kinds.count("weakness"), kinds.count("category"), kinds.count("view")) == (963, 409, 54)


def test_cwe_400_as_domain_md_describes_it() -> None:
    entry = lookup("CWE-400")
    assert entry == CweEntry(
        id="CWE-400",
        name="Uncontrolled Resource Consumption",
        abstraction="Class",
        status="Draft",
        kind="weakness",
        usage="Discouraged",
        suggestions=("CWE-770", "CWE-771", "CWE-410", "CWE-772", "CWE-834", "CWE-405"),
    )
    assert not entry.allowed
    assert entry.number == 400


@pytest.mark.parametrize("cwe_id", ["CWE-20", "CWE-200", "CWE-284", "CWE-285", "CWE-287"])
def test_domain_md_discouraged_cwes(cwe_id: str) -> None:
    entry = lookup(cwe_id)
    assert entry.usage == "Discouraged"
    assert entry.suggestions, "MITRE names alternatives for every discouraged CWE here"


def test_explicit_suggestion_elements_are_read() -> None:
    assert lookup("CWE-20").suggestions[:4] == ("CWE-1284", "CWE-1285", "CWE-1286", "CWE-1287")


def test_allowed_base_weakness() -> None:
    entry = lookup("1284")
    assert entry.name == "Improper Validation of Specified Quantity in Input"
    assert (entry.abstraction, entry.usage, entry.allowed) == ("Base", "Allowed", True)


def test_categories_and_views_are_prohibited_and_have_no_abstraction() -> None:
    category, view = lookup("CWE-1009"), lookup("CWE-1000")
    assert (category.kind, category.usage, category.abstraction) == ("category", "Prohibited", None)
    assert (view.kind, view.usage, view.abstraction) == ("view", "Prohibited", None)
    assert all(e.usage == "Prohibited" for e in load_catalog().entries() if e.kind != "weakness")


def test_every_usage_is_one_of_mitres_four() -> None:
    assert {e.usage for e in load_catalog().entries()} == set(cwe.USAGES)


def test_get_returns_none_for_unknown_or_malformed_ids() -> None:
    catalog = load_catalog()
    assert catalog.get("CWE-999999") is None
    assert catalog.get("not an id") is None
    assert "CWE-79" in catalog
    assert "CWE-999999" not in catalog


def test_lookup_names_the_unknown_id_and_the_catalog_version() -> None:
    with pytest.raises(InputError, match=r"unknown CWE id: CWE-999999 .*4\.14"):
        lookup("999999")


def test_the_index_is_written_once_and_reused(
    session_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_catalog()
    assert (session_cache / "cwe" / "cwe-4.14.json").is_file()
    cwe.load_catalog.cache_clear()

    def no_parsing(path: Path) -> cwe.CweCatalog:
        raise AssertionError("the cached index should have been used")

    monkeypatch.setattr(cwe, "parse_catalog_xml", no_parsing)
    assert load_catalog().get("CWE-79") is not None


def test_load_catalog_is_cached_in_process() -> None:
    assert load_catalog() is load_catalog()


def test_a_corrupt_index_is_rebuilt_from_the_bundled_xml(private_cache: Path) -> None:
    index = private_cache / "cwe" / "cwe-4.14.json"
    index.write_text("{not json")
    assert load_catalog().get("CWE-400") is not None
    assert json.loads(index.read_text())["version"] == "4.14"


def test_update_loads_a_newer_catalog_which_then_wins(private_cache: Path, tmp_path: Path) -> None:
    result = cwe.update_catalog(write_catalog(tmp_path / "cwec_v4.15.xml", "4.15"))
    assert result.in_use == "4.15"
    assert result.index == private_cache / "cwe" / "cwe-4.15.json"
    cwe.load_catalog.cache_clear()
    catalog = load_catalog()
    assert (catalog.version, len(catalog)) == ("4.15", 5)
    entry = lookup("CWE-400")
    assert entry.name == "Renamed Resource Consumption"
    # explicit suggestions first, then those the comments name; no duplicates, never itself
    assert entry.suggestions == ("CWE-405", "CWE-770", "CWE-1333")


def test_update_with_an_older_catalog_keeps_the_newer_in_use(
    private_cache: Path, tmp_path: Path
) -> None:
    result = cwe.update_catalog(write_catalog(tmp_path / "cwec_v4.9.xml", "4.9"))
    assert (result.catalog.version, result.in_use) == ("4.9", "4.14")
    assert (private_cache / "cwe" / "cwe-4.9.json").is_file()


def test_entries_without_mapping_notes(tmp_path: Path) -> None:
    catalog = cwe.parse_catalog_xml(write_catalog(tmp_path / "c.xml", "9.9"))
    plain, deprecated = catalog.get("9001"), catalog.get("9002")
    assert plain is not None and plain.usage == "Allowed"
    assert deprecated is not None and deprecated.usage == "Prohibited"
    category = catalog.get("9003")
    assert category is not None and category.usage == "Prohibited"  # even if the XML says otherwise
    view = catalog.get("9004")
    assert view is not None and (view.kind, view.usage) == ("view", "Prohibited")


def test_update_refuses_a_missing_file(private_cache: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        cwe.update_catalog(tmp_path / "absent.xml")


def test_update_refuses_xml_that_is_not_a_catalog(private_cache: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_text("<Something Version='1'/>")
    with pytest.raises(InputError, match="not a CWE catalog") as caught:
        cwe.update_catalog(other)
    assert caught.value.where == str(other)


def test_update_refuses_malformed_xml(private_cache: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text('<Weakness_Catalog Version="5.0"><Weaknesses><Weakness ID="1">')
    with pytest.raises(InputError, match="malformed XML"):
        cwe.update_catalog(broken)
    assert not (private_cache / "cwe" / "cwe-5.0.json").exists()


def test_catalog_version_reads_only_the_header(tmp_path: Path) -> None:
    assert cwe.catalog_version(cwe.bundled_xml()) == "4.14"
    with pytest.raises(InputError, match="no Weakness_Catalog Version"):
        cwe.catalog_version(write_text(tmp_path / "x.xml", "<a/>"))


def write_text(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
