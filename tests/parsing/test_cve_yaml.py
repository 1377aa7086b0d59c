from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psirt.core.errors import InputError
from psirt.parsing.cve_yaml import CveDocument, find_yaml_block, replace_yaml_block

TEMPLATE = """\
vulnerability:
  # If the affected product is GitLab, please mention if it's GitLab CE/EE or GitLab EE
  description: TODO   # "[VULNTYPE] in [COMPONENT]"
  cwe: CWE-400 # TODO, for example "CWE-22" # Path Traversal
  product:
    gitlab_path: gitlab-org/gitlab   # "namespace/project"
    vendor: GitLab   # "iTerm2"
    name: GitLab   # "iTerm2"
    cpes:
      - cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*
      # - "cpe:2.3:a:gitlab:gitaly:*:*:*:*:*:*:*:*"
    affected_versions:
      - '>=1X.X, <16.X.X' # "1.2.3"
      - '>=16.Y, <16.Y.Y' # "1.2.3"
    fixed_versions: [] # If empty, fixed versions will be automatically filled
  impact: AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H   # CVSS:3.1 string, without the prefix
  solution: '' # If empty, solution will be automatically filled
  credit: Thanks [example](https://hackerone.com/) for reporting this vulnerability
    through our HackerOne bug bounty program
  references:
    - https://gitlab.com/
"""


def test_unchanged_document_is_byte_identical() -> None:
    assert CveDocument(TEMPLATE).dump() == TEMPLATE


def test_reads_fields_as_plain_values() -> None:
    doc = CveDocument(TEMPLATE)
    assert doc.get("cwe") == "CWE-400"
    assert doc.list_of("product.affected_versions") == [">=1X.X, <16.X.X", ">=16.Y, <16.Y.Y"]
    assert doc.get("product.fixed_versions") == []
    assert doc.text_of("credit").endswith("through our HackerOne bug bounty program")
    assert doc.get("missing.field") is None
    assert not doc.has("product.nothing")


def test_setting_one_field_keeps_comments_order_and_quoting_elsewhere() -> None:
    doc = CveDocument(TEMPLATE)
    assert doc.set("solution", "Upgrade to version 18.10.1 or above.")
    out = doc.dump()
    assert "solution: 'Upgrade to version 18.10.1 or above.' # If empty, solution" in out
    # Only the changed scalar differs; a plain scalar folded over two lines is written on one.
    expected = TEMPLATE.replace(
        "  solution: '' # If empty", "  solution: 'Upgrade to version 18.10.1 or above.' # If empty"
    ).replace("vulnerability\n    through", "vulnerability through")
    assert out == expected
    assert CveDocument(out).get("solution") == "Upgrade to version 18.10.1 or above."


def test_lists_keep_item_comments_and_quotes() -> None:
    doc = CveDocument(TEMPLATE)
    doc.set(
        "product.affected_versions", [">=16.10, <18.8.7", ">=18.9, <18.9.3", ">=18.10, <18.10.1"]
    )
    doc.set("product.fixed_versions", ["18.8.7", "18.9.3", "18.10.1"])
    out = doc.dump()
    assert "      - '>=16.10, <18.8.7' # \"1.2.3\"" in out
    assert "      - '>=18.10, <18.10.1'" in out
    assert "fixed_versions: ['18.8.7', '18.9.3', '18.10.1'] # If empty" in out
    assert CveDocument(out).list_of("product.fixed_versions") == ["18.8.7", "18.9.3", "18.10.1"]


def test_setting_the_same_value_changes_nothing() -> None:
    doc = CveDocument(TEMPLATE)
    assert not doc.set("cwe", "CWE-400")
    assert not doc.set("references", ["https://gitlab.com/"])
    assert doc.dump() == TEMPLATE


def test_malformed_yaml_names_the_line() -> None:
    with pytest.raises(InputError) as caught:
        CveDocument("vulnerability:\n  cwe: [unclosed\n  impact: x\n", where="gitlab-org/cves#1")
    assert "gitlab-org/cves#1" in str(caught.value)
    assert "line" in caught.value.message


def test_missing_root_key_is_an_error() -> None:
    with pytest.raises(InputError, match="vulnerability"):
        CveDocument("cwe: CWE-79\n")


def test_yaml_block_is_found_and_replaced_without_touching_the_rest() -> None:
    description = (
        "* [ ] Publish immediately\n\n```yaml\nvulnerability:\n  cwe: CWE-79\n```\n\ntail\n"
    )
    block = find_yaml_block(description)
    assert block is not None
    assert block.body == "vulnerability:\n  cwe: CWE-79\n"
    assert block.first_line == 4
    replaced = replace_yaml_block(description, "vulnerability:\n  cwe: CWE-80\n")
    assert replaced == description.replace("CWE-79", "CWE-80")
    with pytest.raises(InputError):
        replace_yaml_block("no block here", "x")


_plain_text = (
    st.text(alphabet=string.ascii_letters + string.digits + " .,()[]/-", min_size=1)
    .map(str.strip)
    .filter(lambda s: s and s[0] not in "-[](),." and not s.endswith(":"))
)


@settings(max_examples=60, deadline=None)
@given(
    description=_plain_text,
    cwe=st.integers(min_value=1, max_value=1500),
    ranges=st.lists(_plain_text, min_size=1, max_size=4),
    quote=st.sampled_from(["'", '"', ""]),
    comment=st.booleans(),
)
def test_round_trip_property(
    description: str, cwe: int, ranges: list[str], quote: str, comment: bool
) -> None:
    note = "  # a comment" if comment else ""

    def q(text: str) -> str:
        if quote == "'":
            return "'" + text.replace("'", "''") + "'"
        if quote == '"':
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"Text {text}"

    text = (
        "vulnerability:\n"
        f"  description: {q(description)}{note}\n"
        f"  cwe: CWE-{cwe}\n"
        "  product:\n"
        "    affected_versions:\n"
        + "".join(f"      - {q(r)}\n" for r in ranges)
        + "  solution: ''\n"
    )
    doc = CveDocument(text)
    assert doc.dump() == text
    plain = (lambda t: f"Text {t}") if quote == "" else (lambda t: t)
    assert doc.get("description") == plain(description)
    assert doc.list_of("product.affected_versions") == [plain(r) for r in ranges]
    doc.set("solution", "Upgrade to version 1.2.3 or above.")
    out = doc.dump()
    assert out.splitlines()[:-1] == text.splitlines()[:-1]
    again = CveDocument(out)
    assert again.get("description") == plain(description)
    assert again.list_of("product.affected_versions") == [plain(r) for r in ranges]


@pytest.mark.parametrize(
    "text",
    [
        "vulnerability:\n  cwe: CWE-1\n  references:\n  - a\n  - b\n  solution: ''\n",
        "vulnerability:\n    cwe: CWE-1\n    references:\n        - a\n    solution: ''\n",
        "vulnerability:\n  cwe: CWE-1\n  references:\n    - a\n  solution: ''\n",
    ],
    ids=["dash-at-key-column", "four-spaces", "indented-dash"],
)
def test_an_edit_keeps_the_documents_indentation(text: str) -> None:
    doc = CveDocument(text)
    doc.set("solution", "x")
    assert doc.dump() == text.replace("solution: ''", "solution: 'x'")


# -- CRLF, fences, aliases, kinds --------------------------------------------------------------

_FENCE_REFERENCE = re.compile(  # the regex the fence search replaced: the same answers on LF
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*ya?ml\b[^\n]*\n"
    r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.M | re.S,
)
_PIECES = ["```yaml\n", "```\n", "~~~yaml\n", "~~~\n", "  ```yaml\n", "  ```\n", "````\n"]
_PIECES += ["````yaml\n", "text\n", "a: 1\n", "```yaml", "```", " ```  \n", "```yml x\n", "\n"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=10))
def test_the_fence_search_finds_what_the_regex_found(pieces: list[str]) -> None:
    description = "".join(pieces)
    expected = _FENCE_REFERENCE.search(description)
    block = find_yaml_block(description)
    if expected is None:
        assert block is None
    else:
        assert block is not None
        assert (block.body, block.start, block.end) == (
            expected["body"],
            expected.start("body"),
            expected.end("body"),
        )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=10))
def test_a_crlf_description_has_the_block_of_its_lf_twin(pieces: list[str]) -> None:
    lf = "".join(pieces)
    crlf = lf.replace("\n", "\r\n")
    lf_block, crlf_block = find_yaml_block(lf), find_yaml_block(crlf)
    assert (lf_block is None) == (crlf_block is None)
    if lf_block is not None and crlf_block is not None:
        assert crlf_block.body.replace("\r\n", "\n") == lf_block.body
        assert crlf_block.first_line == lf_block.first_line


def test_an_unclosed_fence_on_every_line_is_no_block() -> None:
    assert find_yaml_block("```yaml\n" * 32_000) is None  # one pass, not one per opener


def test_a_crlf_document_is_edited_and_written_with_crlf() -> None:
    text = TEMPLATE.replace("\n", "\r\n")
    description = f"Reserved\r\n\r\n```yaml\r\n{text}```\r\n"
    block = find_yaml_block(description)
    assert block is not None and block.body == text
    document = CveDocument(block.body)
    assert document.text_of("cwe") == "CWE-400"
    assert document.set("solution", "Upgrade to versions 18.10.1 or above.")
    written = replace_yaml_block(description, document.dump())
    assert written.count("\n") == written.count("\r\n")
    assert "solution: 'Upgrade to versions 18.10.1 or above.'" in written


def test_aliases_are_refused_with_their_line() -> None:
    text = "vulnerability:\n  a: &x [1, 2]\n  b: *x\n"
    with pytest.raises(InputError, match=r"line 3: aliases \(\*x\) are not allowed"):
        CveDocument(text)


def test_fields_of_the_wrong_kind_are_named_and_read_as_empty() -> None:
    document = CveDocument(
        "vulnerability:\n  description: [a, b]\n  credit: {x: 1}\n  cwe: 79\n"
        "  references: [https://x, [y]]\n  product: {cpes: {a: b}}\n"
    )
    assert document.wrong_types() == [
        ("description", "a text", "a list"),
        ("credit", "a text", "a mapping"),
        ("product.cpes", "a list of texts", "a mapping"),
        ("references[1]", "a text", "a list"),
    ]
    assert document.text_of("description") == "" and document.text_of("cwe") == "79"
    assert document.list_of("references") == ["https://x"]


def test_a_number_too_long_to_read_names_its_line() -> None:
    with pytest.raises(InputError, match="line 2: a number of 5000 digits"):
        CveDocument("vulnerability:\n  cwe: " + "9" * 5000 + "\n")
