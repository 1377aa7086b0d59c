"""Merge request files: ``projects/<project>/merge_requests/<iid>.md``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from psirt.core.records import MergeRequest, MergeRequestRef, MergeRequestState
from psirt.localstore.fields import Fields, decode_fast, iso
from psirt.localstore.front_matter import check_iid, join_front_matter, split_front_matter
from psirt.localstore.merge import merge, to_node
from psirt.localstore.yaml_io import Source, load_yaml

MR_STATES: tuple[MergeRequestState, ...] = ("opened", "merged", "closed", "locked")
MR_KEYS = (
    "iid",
    "title",
    "state",
    "source_branch",
    "target_branch",
    "author",
    "reviewers",
    "labels",
    "merged_at",
    "related_issues",
)
# Left out of a re-saved file when equal to the default and absent (see ISSUE_DEFAULTS).
MR_DEFAULTS: Mapping[str, Any] = {
    "state": "opened",
    "source_branch": "",
    "target_branch": "master",
    "author": "",
    "reviewers": [],
    "labels": [],
    "merged_at": None,
    "related_issues": [],
}


def decode_merge_request(text: str, path: Path, project: str, web_base: str) -> MergeRequest:
    front_text, body = split_front_matter(text, str(path))
    return decode_fast(
        front_text, Source(str(path), 2), lambda f: _merge_request(f, body, path, project, web_base)
    )


def _merge_request(
    fields: Fields, body: str, path: Path, project: str, web_base: str
) -> MergeRequest:
    fields.check_keys(MR_KEYS)
    iid = check_iid(fields, path)
    return MergeRequest(
        ref=MergeRequestRef(project, iid),
        title=fields.string("title"),
        state=fields.choice("state", MR_STATES, "opened"),
        source_branch=fields.string("source_branch", ""),
        target_branch=fields.string("target_branch", "master"),
        description=body,
        author=fields.string("author", ""),
        reviewers=fields.string_list("reviewers"),
        labels=fields.string_list("labels"),
        merged_at=fields.moment("merged_at"),
        web_url=f"{web_base}/{project}/-/merge_requests/{iid}",
        related_issues=fields.ref_list("related_issues"),
    )


def encode_merge_request(mr: MergeRequest) -> dict[str, Any]:
    return {
        "iid": mr.ref.iid,
        "title": mr.title,
        "state": mr.state,
        "source_branch": mr.source_branch,
        "target_branch": mr.target_branch,
        "author": mr.author,
        "reviewers": list(mr.reviewers),
        "labels": list(mr.labels),
        "merged_at": iso(mr.merged_at),
        "related_issues": [str(ref) for ref in mr.related_issues],
    }


def render_merge_request(mr: MergeRequest, existing_text: str | None, path: Path) -> str:
    new = encode_merge_request(mr)
    if existing_text is None:
        return join_front_matter(to_node(new), mr.description)
    front_text, _ = split_front_matter(existing_text, str(path))
    front = load_yaml(front_text, Source(str(path), 2))
    return join_front_matter(merge(front, new, MR_DEFAULTS), mr.description, front_text)
