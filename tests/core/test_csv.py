"""load_csv reads two numeric columns, and says what is wrong, and where, with everything else."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from gdviewer.core import DataError, load_csv
from gdviewer.core.data import parse_csv_text


def write(tmp_path, content: str | bytes, name: str = "data.csv"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


XS = [-1.5, 0.0, 2.0, 3.25]
YS = [4.0, -2.5, 1e-3, 7.0]


def rows(sep: str) -> str:
    return "".join(f"{x}{sep}{y}\n" for x, y in zip(XS, YS, strict=True))


def check(ds, xs=XS, ys=YS):
    np.testing.assert_array_equal(ds.x, np.float32(xs))
    np.testing.assert_array_equal(ds.y, np.float32(ys))
    assert ds.n == len(xs)
    assert ds.X.shape == (len(xs), 1)


# --- good files ----------------------------------------------------------------------------------

@pytest.mark.parametrize("sep", [",", ";", "\t", " ", ", "])
@pytest.mark.parametrize("header", [True, False])
def test_reads_two_columns(tmp_path, sep, header):
    text = (f"x{sep}y\n" if header else "") + rows(sep)
    ds = load_csv(write(tmp_path, text))
    check(ds)
    assert str(tmp_path) in ds.source


def test_extra_columns_choose_x_and_y(tmp_path):
    text = "id,y,ignored,x\n" + "".join(f"{i},{y},zzz,{x}\n" for i, (x, y) in enumerate(zip(XS, YS, strict=True)))
    check(load_csv(write(tmp_path, text), x_column=3, y_column=1))


def test_extra_numeric_columns_without_header(tmp_path):
    text = "".join(f"{x};{y};{x + y}\n" for x, y in zip(XS, YS, strict=True))
    check(load_csv(write(tmp_path, text)))
    check(load_csv(write(tmp_path, text), x_column=2, y_column=0), xs=np.add(XS, YS), ys=XS)


def test_windows_line_endings_bom_comments_and_blank_lines(tmp_path):
    text = "\ufeff# exported by a spreadsheet\r\nx,y\r\n\r\n" + rows(",").replace("\n", "\r\n") + "\r\n\r\n"
    check(load_csv(write(tmp_path, text)))


def test_quoted_numbers(tmp_path):
    text = '"x","y"\n' + "".join(f'"{x}","{y}"\n' for x, y in zip(XS, YS, strict=True))
    check(load_csv(write(tmp_path, text)))


def test_scientific_notation_and_signs(tmp_path):
    check(load_csv(write(tmp_path, "1e3,-2E-2\n+4.5,.5\n")), xs=[1000.0, 4.5], ys=[-0.02, 0.5])


def test_a_large_well_formed_file(tmp_path):
    x = np.linspace(-10, 10, 20_000)
    text = "x,y\n" + "\n".join(f"{float(a)!r},{-float(a)!r}" for a in x) + "\n"
    ds = load_csv(write(tmp_path, text))
    assert ds.n == 20_000
    np.testing.assert_array_equal(ds.x, x.astype(np.float32))


# --- bad files -------------------------------------------------------------------------------------

def raises(path, *patterns: str, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        load_csv(path, **kwargs)
    msg = str(info.value)
    for pattern in patterns:
        assert re.search(pattern, msg), f"{pattern!r} not in {msg!r}"
    return msg


def test_missing_file(tmp_path):
    msg = raises(tmp_path / "nope.csv", "not found")
    assert "nope.csv" in msg


def test_a_folder(tmp_path):
    raises(tmp_path, "folder")


@pytest.mark.parametrize("content", ["", "\n\n  \n", "# only a comment\n"])
def test_empty_file(tmp_path, content):
    raises(write(tmp_path, content), "empty")


def test_only_a_header(tmp_path):
    raises(write(tmp_path, "x,y\n"), "at least 2 data rows", "found 0")


@pytest.mark.parametrize("content", ["1,2\n", "x,y\n1,2\n"])
def test_fewer_than_two_rows(tmp_path, content):
    raises(write(tmp_path, content), "at least 2 data rows", "found 1")


def test_one_column(tmp_path):
    raises(write(tmp_path, "1.0\n2.0\n3.0\n"), r"line 1\b", "one column")


def test_one_column_after_comments(tmp_path):
    raises(write(tmp_path, "# values\n\nx\n1\n2\n"), r"line 3\b", "one column")


def test_text_in_a_number_column(tmp_path):
    content = "x,y\n1,2\n\n# a comment\n3,abc\n5,6\n"
    msg = raises(write(tmp_path, content), r"line 5\b", "'abc'", "not a number")
    assert "the y value" in msg


def test_text_in_the_x_column(tmp_path):
    raises(write(tmp_path, "1;2\n3;4\nfive;6\n"), r"line 3\b", "the x value 'five' is not a number")


def test_a_short_row(tmp_path):
    raises(write(tmp_path, "x,y\n1,2\n3\n5,6\n"), r"line 3\b", "column")


def test_an_empty_cell(tmp_path):
    raises(write(tmp_path, "x,y\n1,2\n3,\n5,6\n"), r"line 3\b", "empty")


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999"])
def test_not_finite(tmp_path, value):
    raises(write(tmp_path, f"x,y\n1,2\n3,4\n5,{value}\n7,8\n"), r"line 4\b", "not finite")


def test_not_finite_in_the_fallback_path(tmp_path):
    # a quoted cell sends the parser down its checked path; NaN is still caught with its line
    raises(write(tmp_path, 'x,y\n"1",2\n3,nan\n'), r"line 3\b", "not finite")


def test_not_utf8(tmp_path):
    raises(write(tmp_path, b"x,y\n1,2\n\xff\xfe,3\n4,5\n"), r"line 3\b", "UTF-8")


def test_gigantic_line(tmp_path):
    content = "x,y\n1,2\n" + "3," + "4" * 200_000 + "\n5,6\n"
    msg = raises(write(tmp_path, content), r"line 3\b", "too long")
    assert len(msg) < 500  # the message does not repeat the line


def test_column_out_of_range(tmp_path):
    raises(write(tmp_path, "a,b\n1,2\n3,4\n"), r"line 1\b", "column 3", y_column=2)


def test_values_too_large(tmp_path):
    raises(write(tmp_path, "1,2\n3,4e20\n"), "1e15")


def test_all_equal_text_is_not_data(tmp_path):
    raises(write(tmp_path, "a,b\nc,d\ne,f\n"), r"line 2\b", "not a number")


@pytest.mark.parametrize("content", [
    'x,y\n1,"2\n"\n3,4\n5,6\n',   # a quote that runs across a line break
    'x,y\n1,"2\n3"\n5,6\n7,8\n',
    'x,y\n"1,2\n3,4\n5,6\n',
])
def test_unbalanced_quotes_are_a_data_error(tmp_path, content):
    raises(write(tmp_path, content), r"line \d+")


# --- anything else ---------------------------------------------------------------------------------

# hypothesis is not a test dependency of the project, so these draw from a seeded generator
CSV_ALPHABET = [*'0123456789.,;\t -+eE"\'\nnaifx#\r', "\x00", "\u2028", "é"]


def test_any_text_gives_a_dataset_or_a_data_error():
    rng = random.Random(1234)
    for _ in range(3000):
        text = "".join(rng.choices(CSV_ALPHABET, k=rng.randrange(0, 60)))
        try:
            ds = parse_csv_text(text)
        except DataError as exc:
            assert str(exc)
        else:
            assert ds.n >= 2
            assert np.isfinite(ds.x).all() and np.isfinite(ds.y).all()


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_written_numbers_read_back(sep):
    rng = np.random.default_rng(7)
    for _ in range(20):
        n = int(rng.integers(2, 30))
        points = rng.uniform(-1e6, 1e6, size=(n, 2)) * 10.0 ** rng.integers(-8, 1, size=(n, 2))
        text = "x" + sep + "y\n" + "".join(f"{float(x)!r}{sep}{float(y)!r}\n" for x, y in points)
        ds = parse_csv_text(text)
        np.testing.assert_array_equal(ds.x, points[:, 0].astype(np.float32))
        np.testing.assert_array_equal(ds.y, points[:, 1].astype(np.float32))
