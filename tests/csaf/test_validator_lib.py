"""The demo's CSAF document through the BSI/Secvisogram validator library (npm
``@secvisogram/csaf-validator-lib``): its strict CSAF 2.0 schema and every mandatory test of
section 6.1, run with Node by ``validate.mjs``.

``.ci/run`` installs the library with ``npm ci`` from the lock file in this folder and sets
``PSIRT_REQUIRE_CSAF_VALIDATOR=1``, so in CI a missing install fails instead of skipping.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from psirt.compute.advisory import build_advisory
from psirt.core.workspace import Workspace
from psirt.knowledge.schemas import csaf_errors
from psirt.render import csaf
from psirt.session import open_session

HERE = Path(__file__).parent
SCRIPT = HERE / "validate.mjs"
LIBRARY = HERE / "node_modules" / "@secvisogram" / "csaf-validator-lib"
REQUIRE = "PSIRT_REQUIRE_CSAF_VALIDATOR"
MANDATORY = 43  # 6.1.1 .. 6.1.33, with 6.1.27.1 .. 6.1.27.11


def _seeded(document: dict[str, Any]) -> dict[str, Any]:
    """The document with a product id in a product status that the product tree never defines:
    schema-valid, but mandatory test 6.1.1 (Missing Definition of Product ID) fails."""
    broken = copy.deepcopy(document)
    broken["vulnerabilities"][0]["product_status"]["known_affected"].append("gitlab-ce-99.0.0")
    return broken


@pytest.fixture(scope="module")
def reports(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None or not LIBRARY.is_dir():
        why = "the CSAF validator library is not installed: run `npm ci` in tests/csaf (Node)"
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(why)
        pytest.skip(why)
    session = open_session(Workspace(demo_template))
    document = csaf.build_document(build_advisory(session.snapshot()), session.config)
    folder = tmp_path_factory.mktemp("csaf")
    paths = {"demo": folder / "demo.json", "seeded": folder / "seeded.json"}
    paths["demo"].write_text(csaf.dump_document(document), encoding="utf-8")
    paths["seeded"].write_text(csaf.dump_document(_seeded(document)), encoding="utf-8")
    run = subprocess.run(
        [node, str(SCRIPT), str(paths["demo"]), str(paths["seeded"])],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 1, run.stderr  # the seeded document fails, the demo's does not
    by_path = {report["path"]: report for report in json.loads(run.stdout)}
    return {
        "document": document,
        **{key: by_path[str(path)] for key, path in paths.items()},
    }


def test_demo_document_passes_the_schema_and_every_mandatory_test(reports: dict[str, Any]) -> None:
    report = reports["demo"]
    assert report["failed"] == []
    assert report["isValid"] is True
    names = report["testsRun"]
    assert names[0] == "csaf_2_0_strict"
    assert len([n for n in names if n.startswith("mandatoryTest_6_1_")]) == MANDATORY
    assert {"mandatoryTest_6_1_1", "mandatoryTest_6_1_27_6", "mandatoryTest_6_1_33"} <= set(names)


def test_a_seeded_mandatory_failure_is_caught(reports: dict[str, Any]) -> None:
    seeded = _seeded(reports["document"])
    assert csaf_errors(seeded) == []  # the JSON schema cannot see it; the mandatory tests do
    report = reports["seeded"]
    assert report["isValid"] is False
    assert [test["name"] for test in report["failed"]] == ["mandatoryTest_6_1_1"]
    (error,) = report["failed"][0]["errors"]
    assert error["instancePath"] == "/vulnerabilities/0/product_status/known_affected/6"
