"""Test settings shared by core and UI tests: Qt renders offscreen unless told otherwise."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
