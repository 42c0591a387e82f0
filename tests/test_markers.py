"""The cost markers are kept honest: conftest.py fails an unmarked test that starts a process or
uses the real data or the hand model, so `-m "not integration"` stays quick and self-contained.

Checked on a throwaway suite run by pytest in a subprocess, with this repository's conftest.py.
"""
from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.integration]

SUITE = '''
import multiprocessing
import subprocess
import sys

import pytest


def child():
    pass


def test_plain():
    assert True


def test_runs_a_subprocess():
    subprocess.run([sys.executable, "-c", "pass"], check=True)


@pytest.mark.integration
def test_runs_a_subprocess_marked():
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def test_starts_a_multiprocessing_process():
    p = multiprocessing.get_context("fork").Process(target=child)
    p.start()
    p.join()


@pytest.fixture(scope="module")
def started_by_a_fixture():
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def test_a_fixture_runs_a_subprocess(started_by_a_fixture):
    pass


def test_uses_data(data_dir):
    pass


@pytest.mark.integration
def test_uses_data_marked(data_dir):
    pass


def test_uses_the_model(model):
    pass
'''

EXPECTED_BAD = {"test_runs_a_subprocess", "test_starts_a_multiprocessing_process",
                "test_a_fixture_runs_a_subprocess", "test_uses_data", "test_uses_the_model"}
EXPECTED_GOOD = {"test_plain", "test_runs_a_subprocess_marked", "test_uses_data_marked"}


def test_unmarked_process_data_and_model_tests_fail_and_marked_ones_pass(tmp_path):
    suite = tmp_path / "suite"
    (suite / "tests").mkdir(parents=True)
    for name in ("conftest.py", "__init__.py", "pg.py"):  # the conftest and what it imports
        (suite / "tests" / name).write_text((REPO / "tests" / name).read_text())
    (suite / "pytest.ini").write_text((REPO / "pytest.ini").read_text())
    (suite / "tests" / "test_throwaway.py").write_text(SUITE)
    data = tmp_path / "data"
    data.mkdir()
    report = tmp_path / "report.xml"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"],
                          cwd=suite, env={**os.environ, "KIOSK_DATA": str(data)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout[-3000:]
    failed, passed = set(), set()
    for case in ET.parse(report).getroot().iter("testcase"):
        problems = [c for c in case if c.tag in ("failure", "error")]
        (failed if problems else passed).add(case.get("name"))
        for p in problems:
            assert "not marked @pytest.mark.integration" in (p.get("message", "") + (p.text or "")), case.get("name")
    assert failed == EXPECTED_BAD, done.stdout[-3000:]
    assert passed == EXPECTED_GOOD, done.stdout[-3000:]
