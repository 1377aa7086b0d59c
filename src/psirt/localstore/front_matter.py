"""Record files with YAML front matter and a verbatim markdown body (issues, merge requests).

The front matter sits between a first line ``---`` and the next line that is exactly ``---``;
the body is everything after that closing line, byte for byte. The file is named after the
record's iid (``12.md``).
"""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from psirt.core.errors import WorkspaceError
from psirt.localstore.fields import Fields
from psirt.localstore.yaml_io import dump_yaml

FENCE = "---"
RECORD_FILE = re.compile(r"^(?:0|[1-9][0-9]{0,17})\.md$")  # an iid: at most 18 digits


def split_front_matter(text: str, path: str) -> tuple[str, str]:
    """``(front matter YAML, body)``; the body is everything after the closing fence, verbatim."""
    first, newline, rest = text.partition("\n")
    if first.rstrip("\r") != FENCE or not newline:
        raise WorkspaceError(
            "expected '---' on the first line (YAML front matter, then the description)",
            path=path,
            line=1,
        )
    offset = 0
    while True:
        end = rest.find("\n", offset)
        line = rest[offset:] if end < 0 else rest[offset:end]
        if line.rstrip("\r") == FENCE:
            return rest[:offset], "" if end < 0 else rest[end + 1 :]
        if end < 0:
            raise WorkspaceError("missing closing '---' of the front matter", path=path)
        offset = end + 1


def join_front_matter(front: CommentedMap, body: str, style_of: str | None = None) -> str:
    """The file text: the front matter (indented like ``style_of`` when given), then the body."""
    return f"{FENCE}\n{dump_yaml(front, style_of)}{FENCE}\n{body}"


def check_iid(fields: Fields, path: Path) -> int:
    """The record's ``iid``, which must equal the file name (``12.md``)."""
    iid = fields.integer("iid")
    if path.name != f"{iid}.md":
        raise fields.error("iid", f"iid {iid} does not match file name {path.name}")
    return iid
