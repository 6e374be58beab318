"""Test settings shared by core and UI tests: Qt renders offscreen unless told otherwise."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_addoption(parser) -> None:
    parser.addoption("--long", action="store_true", default=False,
                     help="full-length soak-style tests (the 2,000-action random walk); .ci/run uses it once")
