"""A malformed workspace file is an error that names the file, the line and what was expected;
missing records are not found; a write psirt could not read back, or over a changed description,
is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from psirt.core.errors import InputError, NotFoundError, WorkspaceError
from psirt.core.records import IssueRef, IssueUpdate, Note
from tests.trackers.workspace_files import HAND_WRITTEN, SEC, full_issue, issue_file, tracker, write


def _error(tmp_path: Path, text: str, iid: int = 8) -> WorkspaceError:
    write(issue_file(tmp_path, SEC, iid), text)
    with pytest.raises(WorkspaceError) as info:
        tracker(tmp_path).get_issue(IssueRef(SEC, iid))
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\niid: 8\ntitle: T\n", None, "missing closing '---' of the front matter"),
        ("iid: 8\ntitle: T\n---\n", 1, "expected '---' on the first line"),
        ("---\niid: 7\ntitle: T\n---\n", 2, "iid: iid 7 does not match file name 8.md"),
        ("---\niid: 8\ntitle: T\nlabels: security\n---\n", 4, "labels: expected a list of strings"),
        ("---\niid: 8\ntitle: T\nlabels: [a, 1]\n---\n", 4, "labels: expected a list of strings"),
        ("---\ntitle: T\n---\n", 2, "missing key 'iid'"),
        ("---\niid: 8\n---\n", 2, "missing key 'title'"),
        ("---\niid: 8\ntitle: [x\n---\n", None, "malformed YAML"),
        ("---\niid: 8\ntitle: T\nlables: [a]\n---\n", 4, "lables: unknown key (expected one of"),
        ("---\niid: 8\ntitle: T\nstate: open\n---\n", 4, "state: expected one of opened, closed"),
        (
            "---\niid: 8\ntitle: T\nconfidential: yes\n---\n",
            4,
            "confidential: expected true or false",
        ),
        (
            "---\niid: 8\ntitle: T\ndue_date: 25/03/2026\n---\n",
            4,
            "due_date: expected a date YYYY-MM-DD",
        ),
        ("---\niid: 8\ntitle: T\ncreated_at: soon\n---\n", 4, "created_at: expected an ISO 8601"),
        ("---\n- 1\n---\n", 2, "expected a YAML mapping"),
        ("---\n---\n", 2, "expected a YAML mapping"),
        (
            "---\niid: 8\ntitle: T\nlinks:\n  - issue: nowhere\n---\n",
            5,
            "links[0].issue: expected an issue reference such as group/project#12",
        ),
        (
            "---\niid: 8\ntitle: T\nlinks:\n  - issue: a/b#1\n    type: duplicates\n---\n",
            6,
            "links[0].type: expected one of relates_to, blocks, is_blocked_by",
        ),
        (
            "---\niid: 8\ntitle: T\nnotes:\n  - id: 1\n    body: a\n  - id: 1\n    body: b\n---\n",
            7,
            "notes[1].id: duplicate note id 1",
        ),
        ("---\niid: 8\ntitle: T\nnotes:\n  - body: a\n---\n", 5, "missing key 'id' in notes[0]"),
        ("---\niid: 8\ntitle: T\nnotes: {a: 1}\n---\n", 4, "notes: expected a list of mappings"),
    ],
)
def test_malformed_issue_files_name_file_line_and_expectation(
    tmp_path: Path, text: str, line: int | None, message: str
) -> None:
    error = _error(tmp_path, text)
    assert error.path == str(issue_file(tmp_path, SEC, 8))
    assert message in error.message
    if line is not None:
        assert error.line == line
        assert str(error).startswith(f"{error.path}:{line}: ")


def test_yaml_syntax_error_reports_the_file_line(tmp_path: Path) -> None:
    error = _error(tmp_path, "---\niid: 8\ntitle: T\nlabels:\n  - a\n - b\n---\n")
    assert error.message.startswith("malformed YAML")
    assert error.line == 6


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    error = _error(tmp_path, "---\niid: 8\ntitle: T\ntitle: U\n---\n")
    assert "malformed YAML" in error.message
    assert error.line == 4


def test_non_utf8_file_is_an_error(tmp_path: Path) -> None:
    path = issue_file(tmp_path, SEC, 8)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"---\niid: 8\ntitle: caf\xe9\n---\n")
    with pytest.raises(WorkspaceError, match="expected UTF-8 text") as info:
        tracker(tmp_path).get_issue(IssueRef(SEC, 8))
    assert info.value.line == 3


def test_malformed_merge_request_names_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "projects" / SEC / "merge_requests" / "5.md",
        "---\niid: 5\ntitle: T\nstate: done\n---\n",
    )
    with pytest.raises(WorkspaceError) as info:
        tracker(tmp_path).list_merge_requests(SEC)
    assert str(info.value) == (
        f"{path}:4: state: expected one of opened, merged, closed, locked (found 'done')"
    )


def test_missing_issue_names_the_ref(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=f"no issue {SEC}#99"):
        tracker(tmp_path).get_issue(IssueRef(SEC, 99))


def test_missing_project_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no project gitlab-org/nope"):
        tracker(tmp_path).find_issues("gitlab-org/nope")


def test_save_refuses_a_record_it_could_not_read_back(tmp_path: Path) -> None:
    issue, _, _ = full_issue()
    with pytest.raises(WorkspaceError, match="duplicate note id 1"):
        tracker(tmp_path).save_issue(issue, notes=[Note(1, "a", "x"), Note(1, "b", "x")])
    assert not issue_file(tmp_path, SEC, 7).exists()


def test_expected_description_mismatch_refuses_the_write(tmp_path: Path) -> None:
    path = write(issue_file(tmp_path, SEC, 12), HAND_WRITTEN)
    with pytest.raises(InputError, match="changed since it was read"):
        tracker(tmp_path).update_issue(
            IssueRef(SEC, 12),
            IssueUpdate(description="new", expected_description="old text", add_labels=("x",)),
        )
    assert path.read_text() == HAND_WRITTEN
