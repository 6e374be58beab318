"""Issue 13: the CSV reader takes what spreadsheet programs write (quotes, BOM, CRLF, the common
separators, decimal commas where unambiguous) and refuses the rest with the line and the value."""

from __future__ import annotations

import numpy as np
import pytest

from gdviewer.core.data import load_csv
from gdviewer.core.errors import DataError

REFUSED = {
    "unbalanced quote": ('x,y\n1,2\n"3,4\n5,6\n', "line 3", "quote is not closed"),
    "quote left over": ('x,y\n1,2\n"3",4"\n5,6\n', "line 3", "'4\"'"),
    "fullwidth digits": ("x,y\n1,2\n３,4\n5,6\n", "line 3", "'３'"),
    "arabic-indic digits": ("x,y\n1,2\n٣,4\n5,6\n", "line 3", "'٣'"),
    "underscore grouping": ("x,y\n1,2\n1_000,4\n5,6\n", "line 3", "'1_000'"),
    "line separator U+2028": ("x,y\n1,2\n3,4\u20285,6\n7,8\n", "line 3", "not a number"),
    "form feed inside a row": ("x,y\n1,2\n3,4\x0c5\n7,8\n", "line 3", "not a number"),
    "hex": ("x,y\n1,2\n0x10,4\n5,6\n", "line 3", "'0x10'"),
    "superscript digit": ("x,y\n1,2\n3²,4\n5,6\n", "line 3", "'3²'"),
}


@pytest.mark.parametrize(("text", "line", "words"), REFUSED.values(), ids=REFUSED.keys())
def test_what_no_spreadsheet_writes_is_refused_with_the_line_and_the_value(tmp_path, text, line, words):
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_csv(path)
    assert line in str(info.value) and words in str(info.value)


ACCEPTED = {
    "quoted cells": (b'"x","y"\r\n"1","2"\r\n"3","4.5"\r\n', [1, 3], [2, 4.5]),
    "BOM and CRLF": ("\ufeffx,y\r\n1,2\r\n3,4\r\n".encode(), [1, 3], [2, 4]),
    "semicolons with decimal commas": (b"x;y\n1,5;2,25\n3;-4,5\n", [1.5, 3], [2.25, -4.5]),
    "tabs with decimal commas, no header": (b"1,5\t2\n2,5\t3\n", [1.5, 2.5], [2, 3]),
    "old Mac line ends": (b"x,y\r1,2\r3,4\r", [1, 3], [2, 4]),
    "exponents and signs": (b"x,y\n-1e-3,+2E2\n.5,7.\n", [-0.001, 0.5], [200, 7]),
}


@pytest.mark.parametrize(("raw", "xs", "ys"), ACCEPTED.values(), ids=ACCEPTED.keys())
def test_what_spreadsheets_write_is_read(tmp_path, raw, xs, ys):
    path = tmp_path / "data.csv"
    path.write_bytes(raw)
    dataset = load_csv(path)
    np.testing.assert_allclose(dataset.x, xs, rtol=1e-6)
    np.testing.assert_allclose(dataset.y, ys, rtol=1e-6)
