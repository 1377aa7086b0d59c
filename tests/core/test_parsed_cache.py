"""The cache of parsed workspace files: a second run parses nothing it parsed before and
answers the same; an edited file is parsed again; only exact JSON values are kept; a damaged
or foreign cache file is ignored; the cache is its owner's only, never committed, and never
written for a release read from GitLab."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core import parsed_cache
from psirt.core.parsed_cache import ParsedCache, cache_path, json_exact, read_cache, write_cache
from psirt.core.workspace import Workspace
from psirt.session import open_session
from psirt.trackers.gitlab_access import configured_projects
from psirt.trackers.local import LocalTracker
from tests.fakes.gitlab_server import FakeGitLab, seed_from_tracker, use_fake_gitlab

COMMANDS = [
    ("validate",),
    ("update-cves",),
    ("blog", "generate"),
    ("cve", "export"),
    ("close", "--blog-published"),
]


@pytest.fixture
def cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parsed_cache.SWITCH_ENV)


@pytest.fixture
def safe_parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Texts the safe (read-only) loader parsed, counted."""
    parsed: Counter[str] = Counter()
    load = YAML.load

    def counted(self: YAML, stream: Any) -> Any:
        if "safe" in self.typ and isinstance(stream, str):
            parsed[stream] += 1
        return load(self, stream)

    monkeypatch.setattr(YAML, "load", counted)
    yield parsed


def _run(root: Path, command: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> str:
    """The exit code, standard output and every file the command wrote under ``out/``."""
    code = run_app(app, ["--workspace", str(root), *command])
    written = sorted(p for p in (root / "out").rglob("*") if p.is_file())
    files = [f"{p.relative_to(root)}\n{p.read_text(encoding='utf-8')}" for p in written]
    return "\n".join([str(code), capsys.readouterr().out, *files])


@pytest.mark.usefixtures("cache_on")
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_second_run_parses_nothing_again_and_answers_the_same(
    demo_root: Path,
    command: tuple[str, ...],
    safe_parses: Counter[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = _run(demo_root, command, capsys)
    assert sum(safe_parses.values()) > 30  # issues, merge requests, reports, CVE YAML
    safe_parses.clear()
    second = _run(demo_root, command, capsys)
    assert second == first
    assert sum(safe_parses.values()) == 0, safe_parses.most_common(3)


@pytest.mark.usefixtures("cache_on")
def test_an_edited_file_is_parsed_again_and_read_as_edited(
    demo_root: Path, safe_parses: Counter[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _run(demo_root, ("validate",), capsys)
    issue = next((demo_root / "projects/gitlab-org/security/gitlab/issues").glob("*.md"))
    text = issue.read_text(encoding="utf-8")
    edited = text.replace("\ntitle: ", "\ntitle: Renamed ", 1)
    assert edited != text
    issue.write_text(edited, encoding="utf-8")
    safe_parses.clear()
    snapshot = open_session(Workspace(demo_root)).snapshot()
    assert len(safe_parses) == 1 and "title: Renamed " in next(iter(safe_parses))
    assert any(i.issue.title.startswith("Renamed ") for i in snapshot.issues)


def test_a_hit_is_an_equal_value_of_its_own() -> None:
    cache = ParsedCache()
    value = {"labels": ["a", "b"], "iid": 3, "weight": 1.5, "done": False, "due": None}
    cache.put("loader/1", "text", value)
    hit, got = cache.get("loader/1", "text")
    assert hit and got == value and got is not value
    got["labels"].append("c")
    assert cache.get("loader/1", "text")[1] == value  # a reader's change reaches no other
    assert cache.get("loader/2", "text") == (False, None)  # another loader, another entry
    assert cache.get("loader/1", "text ") == (False, None)


@pytest.mark.parametrize(
    "value",
    [
        {1: "an integer key"},
        {"a": {"b"}},
        {"a": b"bytes"},
        {"a": dt.date(2026, 1, 1)},
        {"a": ("tuple",)},
    ],
)
def test_only_what_json_gives_back_exactly_is_kept(value: dict[Any, Any]) -> None:
    assert not json_exact(value)
    cache = ParsedCache()
    cache.put("loader/1", "text", value)
    assert cache.get("loader/1", "text") == (False, None) and not cache.changed


def test_shared_and_cyclic_values_of_yaml_anchors_are_not_kept() -> None:
    """``&a [*a]`` loads as a list that holds itself: the check ends, and nothing is kept."""
    from ruamel.yaml import YAML

    cyclic = YAML(typ="safe").load("loop: &a [*a]\n")
    shared = YAML(typ="safe").load("a: &x {k: 1}\nb: *x\n")
    assert cyclic["loop"][0] is cyclic["loop"] and shared["a"] is shared["b"]
    cache = ParsedCache()
    for value in (cyclic, shared):
        assert not json_exact(value)
        cache.put("loader/1", "text", value)
    assert not cache.changed


@pytest.mark.usefixtures("cache_on")
def test_a_front_matter_with_a_cyclic_anchor_is_read_and_not_cached(
    demo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issue = next((demo_root / "projects/gitlab-org/security/gitlab/issues").glob("*.md"))
    text = issue.read_text(encoding="utf-8")
    issue.write_text(text.replace("\nlabels:", "\nx_loop: &a [*a]\nlabels:", 1), encoding="utf-8")
    first = _run(demo_root, ("validate",), capsys)
    assert _run(demo_root, ("validate",), capsys) == first


def test_old_texts_are_dropped_once_they_outnumber_what_a_run_reads(tmp_path: Path) -> None:
    """Edits leave old texts behind; the cache keeps them while they are few, so it does not
    grow with every release."""
    cache = ParsedCache()
    old = [f"old {n}" for n in range(parsed_cache.SPARE_ENTRIES + 50)]
    for text in old:
        cache.put("loader/1", text, {"t": text})
    write_cache(tmp_path, cache)
    later = read_cache(tmp_path)
    for n in range(10):  # a later run reads ten texts, one of them old
        later.put("loader/1", f"new {n}", {"n": n})
    assert later.get("loader/1", old[0])[0]
    write_cache(tmp_path, later)
    kept = read_cache(tmp_path)
    assert kept.get("loader/1", old[0])[0] and kept.get("loader/1", "new 9")[0]
    assert not kept.get("loader/1", old[1])[0]  # unused, and too many of its kind
    small = ParsedCache()
    small.put("loader/1", "a", {})
    small.put("loader/1", "b", {})
    (tmp_path / "small").mkdir()
    write_cache(tmp_path / "small", small)
    rerun = read_cache(tmp_path / "small")
    rerun.put("loader/1", "c", {})
    write_cache(tmp_path / "small", rerun)
    assert read_cache(tmp_path / "small").get("loader/1", "a")[0]  # few: all kept


def test_the_cache_file_is_private_ignored_by_git_and_tagged(tmp_path: Path) -> None:
    cache = ParsedCache()
    write_cache(tmp_path, cache)
    assert not (tmp_path / parsed_cache.CACHE_FOLDER).exists()  # nothing added, nothing written
    cache.put("loader/1", "confidential text", {"title": "confidential"})
    write_cache(tmp_path, cache)
    path = cache_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert (path.parent / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    tag = (path.parent / "CACHEDIR.TAG").read_text(encoding="utf-8")
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert read_cache(tmp_path).get("loader/1", "confidential text")[0]


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[]",
        b'{"stamp": "0/another psirt", "entries": {}}',
        b"\xff\xfe",
        b"[" * 100_000,
    ],
)
def test_a_damaged_or_foreign_cache_is_ignored_and_replaced(tmp_path: Path, content: bytes) -> None:
    path = cache_path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(content)
    cache = read_cache(tmp_path)
    assert cache.get("loader/1", "text") == (False, None)
    cache.put("loader/1", "text", {"a": 1})
    write_cache(tmp_path, cache)
    assert json.loads(path.read_bytes())["entries"]
    assert read_cache(tmp_path).get("loader/1", "text") == (True, {"a": 1})


def test_an_entry_that_is_not_json_is_a_miss(tmp_path: Path) -> None:
    cache = ParsedCache()
    cache.put("loader/1", "text", {"a": 1})
    write_cache(tmp_path, cache)
    path = cache_path(tmp_path)
    data = json.loads(path.read_bytes())
    data["entries"] = {key: "{broken" for key in data["entries"]}
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_cache(tmp_path).get("loader/1", "text") == (False, None)


@pytest.mark.usefixtures("cache_on")
def test_a_linked_cache_file_is_not_followed(
    demo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("{}", encoding="utf-8")
    folder = demo_root / parsed_cache.CACHE_FOLDER
    folder.mkdir()
    os.symlink(elsewhere, folder / parsed_cache.CACHE_FILE)
    _run(demo_root, ("validate",), capsys)
    assert elsewhere.read_text(encoding="utf-8") == "{}"


@pytest.mark.parametrize("kind", ["fifo", "linked folder", "folder"])
def test_a_cache_that_is_no_regular_file_is_never_read(tmp_path: Path, kind: str) -> None:
    """A FIFO would make the read wait forever; a linked folder could point anywhere."""
    folder = tmp_path / parsed_cache.CACHE_FOLDER
    if kind == "linked folder":
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        cache = ParsedCache()
        cache.put("loader/1", "text", {"a": 1})
        write_cache(elsewhere, cache)
        os.symlink(elsewhere / parsed_cache.CACHE_FOLDER, folder)
    else:
        folder.mkdir()
        if kind == "fifo":
            os.mkfifo(cache_path(tmp_path))
        else:
            cache_path(tmp_path).mkdir()
    assert read_cache(tmp_path).get("loader/1", "text") == (False, None)


@pytest.mark.usefixtures("cache_on")
def test_a_release_read_from_gitlab_is_never_written_to_disk(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(demo_template, root)
    with FakeGitLab() as fake:
        seed_from_tracker(
            fake, LocalTracker(demo_template), configured_projects(Workspace(root).config)
        )
        use_fake_gitlab(root, fake, monkeypatch)
        snapshot = open_session(Workspace(root)).snapshot()
    assert snapshot.issues
    assert not (root / parsed_cache.CACHE_FOLDER).exists()


def test_the_switch_turns_it_off(demo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert parsed_cache.disabled_by(os.environ)  # the suite's default (tests/conftest.py)
    _run(demo_root, ("validate",), capsys)
    assert not (demo_root / parsed_cache.CACHE_FOLDER).exists()
