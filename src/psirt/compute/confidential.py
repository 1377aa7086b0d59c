"""What must never reach a public artifact, and where a text says it anyway: the one
confidentiality check.

Validate (the CVE requests, the fixes without one), blog lint, cve lint, the e-mail and close
(before it publishes a CVE record) all ask this module, through ``rules.confidential``'s
``CNF`` rules. A public text must not

- refer to a confidential project: a path or URL under ``[projects] confidential`` (the
  security mirror ``gitlab-org/security/...``), where every issue and merge request is secret;
- refer to a confidential issue of the release that stays confidential: a CVE request, the
  tracking and task issues while confidential, a security issue, a canonical issue labelled
  ``keep confidential`` (a canonical issue is otherwise cited on purpose: ``disclose`` makes it
  public after the release);
- carry the title of a fix's confidential issue (the implementation issue, or its canonical
  issue), which names what is broken before anyone could upgrade; the CVE request's title,
  which a human validated for publication, is what public texts show.

References must be http(s) URLs, and a credit may link only to ``[people] credit_hosts``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from psirt.core.config import Config
from psirt.core.records import Issue, IssueRef

if TYPE_CHECKING:
    from psirt.model.release import ReleaseSnapshot

LeakKind = Literal["project", "issue", "title"]

#: Shorter titles ("XSS", "ReDoS") are words any text may hold, not a telling title.
MIN_TITLE = 16

_CANDIDATES = re.compile(
    r"https?://[^\s<>()\[\]\"'`]+"  # a URL
    r"|(?<![\w./-])[\w.-]+(?:/[\w.-]+)+#\d+"  # group/project#12
)
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?[^)]*\)|(?<![(<\w])(https?://[^\s<>()\[\]\"'`]+)")


@dataclass(frozen=True, slots=True)
class Leak:
    """One confidential detail in a text: what it is and the span that gives it away."""

    kind: LeakKind
    text: str
    detail: str

    def describe(self) -> str:
        return f"{self.text!r} ({self.detail})"


@dataclass(frozen=True)
class Confidential:
    """What public texts must not mention: paths, issues and titles (see the module)."""

    paths: tuple[str, ...]
    issues: frozenset[IssueRef] = frozenset()
    titles: tuple[tuple[str, IssueRef], ...] = ()
    credit_hosts: tuple[str, ...] = ()
    _path_patterns: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)
    _title_index: _TitleIndex | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        """The paths' patterns and the titles' index, built once (frozen: set as a dataclass
        sets its own fields)."""
        if len(self._path_patterns) != len(self.paths):
            patterns = tuple(_path_pattern(path) for path in self.paths)
            object.__setattr__(self, "_path_patterns", patterns)
        if self._title_index is None:
            object.__setattr__(self, "_title_index", _TitleIndex.of(self.titles))

    @classmethod
    def of(cls, config: Config, snapshot: ReleaseSnapshot | None = None) -> Confidential:
        """From ``psirt.toml`` alone (a file linted outside a release), or with the release's
        issues and titles: built once per snapshot (each CVE request's check and each record
        of close asks), so a release's checks stay linear in its size."""
        if snapshot is None:
            return cls._of(config, None)
        kept: tuple[Config, Confidential] | None = snapshot.__dict__.get("_confidential")
        if kept is None or kept[0] is not config:
            kept = (config, cls._of(config, snapshot))
            snapshot.__dict__["_confidential"] = kept  # frozen: kept beside, as cached_property
        return kept[1]

    @classmethod
    def _of(cls, config: Config, snapshot: ReleaseSnapshot | None) -> Confidential:
        paths = config.projects.confidential_paths
        issues: set[IssueRef] = set()
        titles: dict[str, IssueRef] = {}
        if snapshot is not None:
            keep = config.labels.keep_confidential
            release = snapshot.release
            for issue in (release.tracking_issue, release.task_issue, *snapshot.other_links):
                if issue is not None and issue.confidential:
                    issues.add(issue.ref)
            for item in snapshot.issues:
                public_title = item.cve_request.issue.title if item.cve_request else ""
                told: list[Issue] = [item.issue]
                if item.cve_request is not None and item.cve_request.issue.confidential:
                    issues.add(item.cve_request.issue.ref)
                if item.issue.confidential:
                    issues.add(item.issue.ref)
                if item.canonical is not None and item.canonical.confidential:
                    told.append(item.canonical)
                    if keep in item.canonical.labels:
                        issues.add(item.canonical.ref)
                for issue in told:
                    title = " ".join(issue.title.split())
                    same = title.casefold() == " ".join(public_title.split()).casefold()
                    if issue.confidential and len(title) >= MIN_TITLE and not same:
                        titles.setdefault(title.casefold(), issue.ref)
        return cls(
            paths=paths,
            issues=frozenset(issues),
            titles=tuple(titles.items()),
            credit_hosts=config.people.credit_hosts,
        )

    def leaks(self, text: str) -> list[Leak]:
        """Every confidential detail in ``text``: projects, issues, titles (in that order)."""
        found: list[Leak] = []
        # A path's last segment is in any text that names it; Unicode case folding matches more
        # than lower() shows (``ſ`` for ``s``), so only an ASCII text is ruled out so.
        lowered = text.lower() if text.isascii() else None
        for path, pattern in zip(self.paths, self._path_patterns, strict=True):
            if lowered is not None and path.rsplit("/", 1)[-1].lower() not in lowered:
                continue
            for match in pattern.finditer(text):
                found.append(
                    Leak("project", _around(text, match.start()), f"{path} is confidential")
                )
        if self.issues:
            for candidate in _CANDIDATES.findall(text):
                ref = IssueRef.parse(candidate.rstrip(".,;:"))
                if ref is not None and ref in self.issues:
                    found.append(Leak("issue", candidate, f"{ref} is confidential"))
        if not self.titles:
            return _unique(found)
        folded = " ".join(text.split()).casefold()
        assert self._title_index is not None  # built with the instance
        for title, ref in self._title_index.candidates(folded):
            if title in folded:
                found.append(Leak("title", _original(text, title), f"the title of {ref}"))
        return _unique(found)

    def foreign_credit_links(self, text: str) -> list[str]:
        """The links of a credit whose host is not one of ``credit_hosts``."""
        return [url for url in links_in(text) if not self.credit_host(url)]

    def credit_host(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return bool(host) and any(
            host == allowed.lower() or host.endswith("." + allowed.lower())
            for allowed in self.credit_hosts
        )


@dataclass(frozen=True)
class _TitleIndex:
    """Which confidential titles a text can contain, found without trying every title on
    every text (a release's texts times its titles). A title of three words or more can only
    be in a (folded) text that holds its inner words as whole words, so it is listed under its
    longest inner word; a shorter title is always tried. Candidates keep the titles' order."""

    by_word: dict[str, tuple[int, ...]]
    always: tuple[int, ...]
    titles: tuple[tuple[str, IssueRef], ...]

    @classmethod
    def of(cls, titles: tuple[tuple[str, IssueRef], ...]) -> _TitleIndex:
        by_word: dict[str, list[int]] = {}
        always: list[int] = []
        for position, (title, _ref) in enumerate(titles):
            inner = title.split(" ")[1:-1]
            if inner:
                by_word.setdefault(max(inner, key=len), []).append(position)
            else:
                always.append(position)
        return cls({w: tuple(p) for w, p in by_word.items()}, tuple(always), titles)

    def candidates(self, folded: str) -> list[tuple[str, IssueRef]]:
        positions = set(self.always)
        for word in set(folded.split(" ")):
            positions.update(self.by_word.get(word, ()))
        return [self.titles[position] for position in sorted(positions)]


def confidential_project(project: str, config: Config) -> bool:
    """Whether ``project`` is one of ``[projects] confidential`` or inside one."""
    name = project.strip("/").lower()
    return any(
        name == path.lower() or name.startswith(path.lower() + "/")
        for path in config.projects.confidential_paths
    )


def _path_pattern(path: str) -> re.Pattern[str]:
    """``path`` as a whole path segment sequence, ``/`` also URL-encoded (API URLs)."""
    body = re.escape(path).replace("/", "(?:/|%2F)")
    return re.compile(rf"(?<![\w.-]){body}(?=[/#!?%\s)\]>\"'`,;:]|$)", re.IGNORECASE)


def is_web_url(url: str) -> bool:
    """An http(s) URL with a host: the only kind of reference a public record may carry."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def links_in(text: str) -> list[str]:
    """The targets of Markdown links and the bare URLs of ``text``."""
    return [a or b for a, b in _LINK.findall(text)]


def _around(text: str, start: int) -> str:
    """The word (URL, path, ref) that holds ``start``."""
    begin = start
    while begin > 0 and not text[begin - 1].isspace() and text[begin - 1] not in "([<\"'`":
        begin -= 1
    end = start
    while end < len(text) and not text[end].isspace() and text[end] not in ")]>\"'`":
        end += 1
    return text[begin:end].rstrip(".,;:")


def _original(text: str, folded_title: str) -> str:
    """``folded_title`` as ``text`` writes it (case and spacing), for the message."""
    words = folded_title.split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    match = re.search(pattern, text, re.IGNORECASE)
    return match.group(0) if match else folded_title


def _unique(leaks: Iterable[Leak]) -> list[Leak]:
    seen: set[tuple[str, str]] = set()
    out: list[Leak] = []
    for leak in leaks:
        key = (leak.kind, leak.text)
        if key not in seen:
            seen.add(key)
            out.append(leak)
    return out
