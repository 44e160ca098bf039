"""Reading awkward CSV files, and the messages bad files give."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.csv_io import read_csv
from core.data_spec import CsvSource
from core.errors import DataError, SpecError


def write(tmp_path: Path, name: str, content: bytes | str, encoding: str = "utf-8") -> CsvSource:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return CsvSource(str(path))


def test_semicolons_with_decimal_commas_read_as_numbers(tmp_path: Path) -> None:
    source = write(tmp_path, "de.csv", "länge;breite;art\n3,14;2;a\n-0,5;4,25;b\n1,0;;c\n")
    df, fmt = read_csv(source)
    assert (fmt.delimiter, fmt.decimal, fmt.encoding) == (";", ",", "utf-8")
    assert list(df.columns) == ["länge", "breite", "art"]
    np.testing.assert_allclose(df["länge"], [3.14, -0.5, 1.0])
    assert np.isnan(df["breite"].iloc[2])
    assert df["art"].tolist() == ["a", "b", "c"]


def test_utf8_bom_is_not_part_of_the_first_column_name(tmp_path: Path) -> None:
    source = write(tmp_path, "bom.csv", "\ufeffx,y\n1,2\n")
    df, fmt = read_csv(source)
    assert fmt.encoding == "utf-8-sig"
    assert list(df.columns) == ["x", "y"]


def test_latin1_accents_survive(tmp_path: Path) -> None:
    source = write(tmp_path, "fr.csv", "ville,prix\nGenève,1.5\nBrûlé,2\n", encoding="latin-1")
    df, fmt = read_csv(source)
    assert fmt.encoding == "latin-1"
    assert df["ville"].tolist() == ["Genève", "Brûlé"]


def test_latin1_byte_beyond_the_sniffed_sample_falls_back_to_latin1(tmp_path: Path) -> None:
    rows = "".join(f"{i},plain\n" for i in range(20_000))
    source = write(tmp_path, "late.csv", "n,word\n" + rows + "20000,café\n", encoding="latin-1")
    df, fmt = read_csv(source)
    assert fmt.encoding == "latin-1"
    assert df["word"].iloc[-1] == "café"


def test_tab_delimited_with_missing_values(tmp_path: Path) -> None:
    source = write(tmp_path, "t.tsv", "a\tb\tc\n1\t\tx\n2\t5\tNA\n")
    df, fmt = read_csv(source)
    assert fmt.delimiter == "\t"
    assert df.shape == (2, 3)
    assert df["b"].isna().tolist() == [True, False]
    assert df["c"].isna().tolist() == [False, True]


def test_commas_inside_quotes_do_not_fool_the_sniffer(tmp_path: Path) -> None:
    source = write(tmp_path, "q.csv", 'name;score\n"Smith, J.";1\n"Doe, A.";2\n')
    df, fmt = read_csv(source)
    assert fmt.delimiter == ";"
    assert df["name"].tolist() == ["Smith, J.", "Doe, A."]


def test_explicit_settings_override_detection(tmp_path: Path) -> None:
    source = write(tmp_path, "x.csv", "a,b\n1,2\n")
    df, fmt = read_csv(CsvSource(source.path, delimiter=";", header=False))
    assert fmt.delimiter == ";" and not fmt.header
    assert list(df.columns) == ["column 1"]
    assert df["column 1"].tolist() == ["a,b", "1,2"]


def test_trailing_delimiter_column_is_dropped(tmp_path: Path) -> None:
    df, _ = read_csv(write(tmp_path, "excel.csv", "a;b;\n1;2;\n3;4;\n"))
    assert list(df.columns) == ["a", "b"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty.csv is empty"),
        (b"\n  \n", "empty.csv is empty"),
        (b"a,b,c\n", "has a header but no data rows"),
        (b"a,b,c\n1,2,3\n4,5,6,7\n", "line 3 (data row 2) has 4 fields, expected 3"),
        (b"a,b,c\n1,2,3\n\n4,5\n", "line 4 (data row 2) has 2 fields, expected 3"),
        (b"a,b\n1,2,3\n4,5,6\n", "line 2 (data row 1) has 3 fields, expected 2"),
        (b"a,b,a\n1,2,3\n", "columns 1 and 3 are both named 'a'"),
        (b",a,b\n0,1,2\n", "column 1 has no name"),
        (b"PK\x03\x04\x00\x00binary", "NUL bytes"),
    ],
)
def test_bad_files_say_what_is_wrong_and_where(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    source = write(tmp_path, "empty.csv" if b"," not in content else "bad.csv", content)
    with pytest.raises(DataError, match=r"empty\.csv|bad\.csv") as info:
        read_csv(source)
    assert expected in str(info.value)


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"no such file: .*nothere\.csv"):
        read_csv(CsvSource(str(tmp_path / "nothere.csv")))


def test_undecodable_bytes_with_a_chosen_encoding_name_the_line(tmp_path: Path) -> None:
    source = write(tmp_path, "fr.csv", "ville,prix\nParis,1\nGenève,2\n", encoding="latin-1")
    with pytest.raises(DataError, match=r"fr.csv: line 3 has bytes that are not valid utf-8"):
        read_csv(CsvSource(source.path, encoding="utf-8"))


def test_unknown_encoding_is_a_setting_error(tmp_path: Path) -> None:
    source = write(tmp_path, "a.csv", "a\n1\n")
    with pytest.raises(SpecError, match="unknown text encoding"):
        read_csv(CsvSource(source.path, encoding="klingon"))


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read every file in byte ranges on two threads, however small."""
    import core.csv_ranges

    monkeypatch.setattr(core.csv_ranges, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(core.csv_ranges, "cores", lambda: 2)


@pytest.mark.parametrize(
    "content",
    [
        "a,b,c\n" + "".join(f"{i},{i * 0.5},x{i % 3}\n" for i in range(200)),
        "\n\na;b\n" + "".join(f"{i},5;t{i}\n\n" for i in range(100)),  # blank lines, commas
        "".join(f"{i},{i % 7}\n" for i in range(150)),  # no header
        "a,b\n" + "".join(f"{i},{'n/a' if i == 140 else i}\n" for i in range(150)),  # text late
        "a,b\n" + "".join(f'{i},"q {i}, quoted"\n' for i in range(150)),  # quotes: serial
        "a,b\n" + "".join(f"{i},{i}\n" for i in range(150)) + "1,2",  # no final newline
        # whole numbers with one gap late (float64 in one range, int64 in the others), and
        # true/false (bool)
        "a,b,c\n" + "".join(f"{i},{'' if i == 140 else i},{i % 2 == 0}\n" for i in range(150)),
    ],
)
def test_reading_in_ranges_gives_the_table_one_read_gives(
    tmp_path: Path, parallel: None, content: str
) -> None:
    import pandas as pd

    import core.csv_ranges

    header = not content.split("\n", 1)[0].replace(",", "").isdigit()
    source = CsvSource(write(tmp_path, "t.csv", content).path, header=header)
    df, fmt = read_csv(source)
    whole = pd.read_csv(
        source.path, sep=fmt.delimiter, decimal=fmt.decimal, header=0 if header else None
    )
    assert df.shape == whole.shape
    assert [str(t) for t in df.dtypes] == [str(t) for t in whole.dtypes]
    for i in range(df.shape[1]):
        assert df.iloc[:, i].tolist() == pytest.approx(whole.iloc[:, i].tolist(), nan_ok=True) or (
            df.iloc[:, i].astype(str).tolist() == whole.iloc[:, i].astype(str).tolist()
        )
    if content.startswith("a,b,c"):  # a plain file really was read in ranges
        ranged = core.csv_ranges.read_in_ranges(Path(source.path), fmt)
        assert ranged is not None
        pd.testing.assert_frame_equal(ranged, whole, check_exact=True)


def test_ranges_make_room_when_the_first_lines_give_too_few_rows(
    tmp_path: Path, parallel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    import core.csv_ranges

    monkeypatch.setattr(core.csv_ranges, "ROWS_GUESS_MARGIN", 0.1)
    monkeypatch.setattr(core.csv_ranges, "MIN_ROWS_GUESS", 1)
    long_rows = "".join(f"{i}.{'0' * 60}1,{i}\n" for i in range(40))
    short_rows = "".join(f"{i}.5,{i}\n" for i in range(400))
    source = write(tmp_path, "t.csv", "a,b\n" + long_rows + short_rows)
    ranged = core.csv_ranges.read_in_ranges(Path(source.path), read_csv(source)[1])
    assert ranged is not None
    pd.testing.assert_frame_equal(ranged, pd.read_csv(source.path), check_exact=True)


def test_a_ragged_row_read_in_ranges_names_its_line(tmp_path: Path, parallel: None) -> None:
    rows = "".join(f"{i},{i}\n" for i in range(150))
    source = write(tmp_path, "ragged.csv", "a,b\n" + rows + "1,2,3\n" + rows)
    with pytest.raises(DataError, match="line 152"):
        read_csv(source)
