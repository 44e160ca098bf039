"""Read a CSV file into a DataFrame, detecting its delimiter, encoding and decimal mark.

Every problem with the file comes out as a `DataError` that names the file and, where it can,
the line and column; no pandas or Python parsing exception escapes.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import pandas as pd

from core import limits
from core.csv_ranges import read_in_ranges
from core.data_spec import CsvSource
from core.errors import DataError, SpecError
from core.value_checks import ColumnNote, unusable_as_missing

# Enough lines to sniff the format of any reasonable file without reading all of it. How many
# columns and rows a file may have depends on the memory free (core.limits.table_problem).
SAMPLE_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t")
_BOM = codecs.BOM_UTF8
# A number written with a decimal comma: 3,14 or -0,5 or 1,2e-3 (not 1,234,567).
_COMMA_NUMBER = re.compile(r"^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$")
_DOT_NUMBER = re.compile(r"^[+-]?\d*\.\d+(?:[eE][+-]?\d+)?$")

# Reader engine, chosen by measurement (pandas 3.1, pyarrow 26, 2-core Linux VM): a generated
# file of 1,000,000 rows x 20 float columns + 1 categorical column (398 MB) read in
# 0.45-0.72 s with engine="c" and 0.75-1.9 s with engine="pyarrow" (the slow pyarrow runs are
# the first in a process); at 10,000 rows both take 11 ms. The C engine also handles decimal
# commas and quoted newlines, so one engine serves every file. pyarrow is multi-threaded and
# may win on machines with many cores; remeasure there before switching.
ENGINE: Literal["c", "pyarrow"] = "c"


@dataclass(frozen=True)
class CsvFormat:
    """How a CSV file was read: what was detected, or what the source asked for, and what reading
    did to values a network cannot use (`column_notes`: one per column touched, see
    core.value_checks; show each note's `text`)."""

    delimiter: str
    encoding: str
    decimal: str
    header: bool
    column_notes: tuple[ColumnNote, ...] = ()


def read_csv(source: CsvSource, nrows: int | None = None) -> tuple[pd.DataFrame, CsvFormat]:
    """Read `source` into a DataFrame with a 0-based RangeIndex (data row = index + 1).

    With `nrows`, only the first rows are read (a preview of a large file); the format is
    detected just the same. Infinite values, numbers beyond float32's range and stray texts in a
    mostly-numeric column are read as missing; the returned format's `column_notes` say where.
    """
    path = Path(source.path)
    name = path.name or str(path)
    sample, whole, size = _read_sample(path, name)
    if not sample.strip(b" \t\r\n" + _BOM):
        raise DataError(f"{name} is empty")
    if b"\x00" in sample:
        raise DataError(
            f"{name} contains NUL bytes: it looks like a binary file (such as an Excel .xlsx) "
            "or UTF-16 text, not a CSV file; save it as CSV (UTF-8) and try again"
        )

    encoding, auto_encoding = _choose_encoding(source.encoding, sample, whole)
    text = sample.decode(encoding, errors="replace")
    if not whole:
        # The sample may end mid-record; a cut-off last line would skew the sniffing.
        text = text[: max(text.rfind("\n"), 0)] or text
    delimiter = _choose_delimiter(source.delimiter, text)
    decimal = _choose_decimal(source.decimal, delimiter, text)
    fmt = CsvFormat(delimiter, encoding, decimal, source.header)

    records = _records(text, delimiter)
    header = [field.strip() for field in records[0]] if records else []
    # Sized from the file before pandas allocates anything for it.
    n_rows, estimated = _rows_in(text, records, size, whole, source.header)
    if nrows is not None and nrows < n_rows:
        n_rows, estimated = nrows, False
    problem = limits.table_problem(name, n_rows, len(header), estimated)
    if problem:
        raise DataError(problem)
    if source.header:
        _check_header_names(header, name)

    try:
        df = _read(path, fmt, nrows)
    except UnicodeDecodeError:
        if not auto_encoding:
            raise _undecodable(path, name, encoding) from None
        # UTF-8 fitted the sample but not the rest of the file: Latin-1 decodes any byte.
        fmt = CsvFormat(delimiter, "latin-1", decimal, source.header)
        df = _read_or_explain(path, name, fmt, len(header), nrows)
    except Exception as exc:
        raise _explain(path, name, fmt, len(header), exc) from None

    df, notes = unusable_as_missing(_finish(df, path, name, fmt, header), fmt.decimal)
    return df, replace(fmt, column_notes=notes)


def _read_sample(path: Path, name: str) -> tuple[bytes, bool, int]:
    """The first SAMPLE_BYTES (more if the first line is longer), whether that is all, and the
    file's size in bytes."""
    if not path.exists():
        raise DataError(f"no such file: {path}")
    if path.is_dir():
        raise DataError(f"{name} is a folder, not a CSV file")
    longest_header = limits.header_bytes_limit()
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            sample = f.read(SAMPLE_BYTES)
            # A very wide header can outgrow the sample; the header must be seen whole.
            while b"\n" not in sample and len(sample) < longest_header:
                more = f.read(SAMPLE_BYTES)
                if not more:
                    break
                sample += more
            whole = not f.read(1)
    except OSError as exc:
        raise DataError(f"cannot read {name}: {exc.strerror or exc}") from None
    return sample, whole, size


def _rows_in(
    text: str, records: list[list[str]], size: int, whole: bool, header: bool
) -> tuple[int, bool]:
    """How many data rows the file holds: counted when `text` is all of it, else estimated
    from the length of the sample's lines (and whether it is an estimate)."""
    n_data = max(len(records) - (1 if header else 0), 0)
    if whole:
        return n_data, False
    sample_bytes = len(text.encode("utf-8", errors="replace"))
    first_line = len(text[: text.find("\n") + 1].encode("utf-8", errors="replace")) if header else 0
    per_row = (sample_bytes - first_line) / n_data if n_data else 0.0
    # A row holds at least a delimiter per column and its newline.
    per_row = max(per_row, len(records[0]) if records else 1, 1)
    return max(n_data, round((size - first_line) / per_row)), True


def _choose_encoding(requested: str, sample: bytes, whole: bool) -> tuple[str, bool]:
    """(encoding, detected?) — UTF-8 with BOM, UTF-8, else Latin-1, unless one is requested."""
    if requested.strip():
        try:
            canonical = codecs.lookup(requested.strip()).name
        except LookupError:
            raise SpecError(f"unknown text encoding {requested!r}") from None
        if canonical == "utf-8" and sample.startswith(_BOM):
            # Asked for UTF-8 and got it with a BOM: drop the BOM rather than keep it in a name.
            return "utf-8-sig", False
        return requested.strip(), False
    if sample.startswith(_BOM):
        return "utf-8-sig", True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=whole)
    except UnicodeDecodeError:
        return "latin-1", True
    return "utf-8", True


def _choose_delimiter(requested: str, text: str) -> str:
    """The requested delimiter, or the candidate whose count per record is the most regular."""
    if requested:
        delimiter = {"tab": "\t", "\\t": "\t"}.get(requested.lower(), requested)
        if len(delimiter) != 1 or delimiter in '\r\n"':
            raise SpecError(f"the delimiter must be one character, not {requested!r}")
        return delimiter
    best, best_score = ",", (0.0, 0)
    for candidate in DELIMITERS:
        counts = [len(r) - 1 for r in _records(text, candidate)][:200]
        if not counts or max(counts) == 0:
            continue
        mode = max(set(counts), key=counts.count)
        if mode == 0:
            continue
        # Regularity first (a delimiter splits every record alike), then the number of fields.
        score = (counts.count(mode) / len(counts), mode)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _choose_decimal(requested: str, delimiter: str, text: str) -> str:
    """'.' or ','; a comma is the decimal mark when numbers like 3,14 outnumber ones like 3.14."""
    if requested:
        if requested not in (".", ","):
            raise SpecError(f"the decimal mark must be '.' or ',', not {requested!r}")
        if requested == delimiter:
            raise SpecError(f"the decimal mark and the delimiter cannot both be {requested!r}")
        return requested
    if delimiter == ",":
        return "."
    fields = [f.strip() for r in _records(text, delimiter)[1:] for f in r]
    comma = sum(bool(_COMMA_NUMBER.match(f)) for f in fields)
    dot = sum(bool(_DOT_NUMBER.match(f)) for f in fields)
    return "," if comma > dot else "."


def _records(text: str, delimiter: str) -> list[list[str]]:
    """Non-blank records of `text`, split the way the CSV reader will split them."""
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter, strict=False)
    try:
        return [r for r in reader if any(f.strip() for f in r)]
    except csv.Error:
        return []


def _check_header_names(header: list[str], name: str) -> None:
    seen: dict[str, int] = {}
    for i, column in enumerate(header, 1):
        if column and column in seen:
            raise DataError(
                f"{name}: columns {seen[column]} and {i} are both named {column!r}; "
                "column names must be unique"
            )
        seen.setdefault(column, i)


def _read(path: Path, fmt: CsvFormat, nrows: int | None = None) -> pd.DataFrame:
    # A large file is read in byte ranges on several threads (core.csv_ranges).
    parts = read_in_ranges(path, fmt) if nrows is None else None
    if parts is not None:
        return parts
    return pd.read_csv(
        path,
        sep=fmt.delimiter,
        encoding=fmt.encoding,
        decimal=fmt.decimal,
        header=0 if fmt.header else None,
        engine=ENGINE,
        skip_blank_lines=True,
        nrows=nrows,
    )


def _read_or_explain(
    path: Path, name: str, fmt: CsvFormat, n_header: int, nrows: int | None = None
) -> pd.DataFrame:
    try:
        return _read(path, fmt, nrows)
    except Exception as exc:
        raise _explain(path, name, fmt, n_header, exc) from None


def _finish(
    df: pd.DataFrame, path: Path, name: str, fmt: CsvFormat, header: list[str]
) -> pd.DataFrame:
    """Check the shape pandas produced and give every column its name from the header."""
    if not df.index.equals(pd.RangeIndex(len(df))):
        # pandas turns a first column into the index when data rows have one field too many.
        raise _ragged_or(path, name, fmt, len(header), "rows have more fields than the header")
    n_columns = df.shape[1]
    if len(df) > 0 and n_columns > 0 and df.iloc[:, -1].isna().any():
        # A short row reads as missing values at its end; only a field count can tell them apart.
        ragged = _find_ragged_row(path, fmt, n_columns)
        if ragged:
            raise DataError(f"{name}: {ragged}")
    if fmt.header:
        if len(header) == n_columns:
            df.columns = pd.Index(header)
        df = _drop_unnamed(df, name)
        if len(df) == 0:
            raise DataError(f"{name} has a header but no data rows")
    else:
        df.columns = pd.Index([f"column {i}" for i in range(1, n_columns + 1)])
    return df


def _drop_unnamed(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Drop empty columns without a name (a trailing delimiter); others without one are errors."""
    keep = []
    for i, column in enumerate(df.columns):
        if str(column).strip():
            keep.append(i)
        elif df.iloc[:, i].notna().any():
            hint = " (a file saved with its row index looks like this)" if i == 0 else ""
            raise DataError(
                f"{name}: column {i + 1} has no name in the header but holds data{hint}; "
                "give it a name in the first line"
            )
    return df.iloc[:, keep] if len(keep) < df.shape[1] else df


def _explain(path: Path, name: str, fmt: CsvFormat, n_header: int, exc: Exception) -> DataError:
    """Turn whatever pandas raised into a message about the file."""
    if isinstance(exc, pd.errors.EmptyDataError):
        return DataError(f"{name} is empty")
    if isinstance(exc, OSError):
        return DataError(f"cannot read {name}: {exc.strerror or exc}")
    if isinstance(exc, MemoryError):
        return DataError(f"{name} is too large to load into memory")
    return _ragged_or(path, name, fmt, n_header, _short(exc))


def _ragged_or(path: Path, name: str, fmt: CsvFormat, n_header: int, problem: str) -> DataError:
    ragged = _find_ragged_row(path, fmt, n_header or None)
    return DataError(
        f"{name}: {ragged}" if ragged else f"{name} could not be read as CSV: {problem}"
    )


def _find_ragged_row(path: Path, fmt: CsvFormat, expected: int | None) -> str:
    """Describe the first record whose field count differs from the first; '' if none does.

    This pass is slow (about 2 s per 400 MB), so it runs only when a read already looks wrong.
    """
    try:
        with path.open(newline="", encoding=fmt.encoding, errors="replace") as f:
            reader = csv.reader(f, delimiter=fmt.delimiter, strict=False)
            data_row = 0
            first = True
            for record in reader:
                if not any(field.strip() for field in record):
                    continue  # pandas skips blank lines, so they are not rows
                if first:
                    first = False
                    expected = expected or len(record)
                    if fmt.header:
                        continue
                data_row += 1
                if len(record) != expected:
                    what = "the header" if fmt.header else "the first row"
                    return (
                        f"line {reader.line_num} (data row {data_row}) has {len(record)} "
                        f"fields, expected {expected} as in {what}{_delimiter_hint(fmt, True)}"
                    )
    except (OSError, csv.Error):
        return ""
    return ""


def _delimiter_hint(fmt: CsvFormat, short: bool = False) -> str:
    shown = {"\t": "tab", ",": "comma", ";": "semicolon"}.get(fmt.delimiter, repr(fmt.delimiter))
    if short:
        return f" (delimiter: {shown})"
    return f"the delimiter used was {shown}; choose another if that is wrong"


def _undecodable(path: Path, name: str, encoding: str) -> DataError:
    """Name the first line holding bytes that `encoding` cannot decode."""
    try:
        with path.open("rb") as f:
            for line_no, raw in enumerate(f, 1):
                try:
                    raw.decode(encoding)
                except UnicodeDecodeError as exc:
                    byte = raw[exc.start : exc.start + 1].hex()
                    return DataError(
                        f"{name}: line {line_no} has bytes that are not valid {encoding} "
                        f"(byte 0x{byte} at column {exc.start + 1}); choose another encoding "
                        "such as latin-1"
                    )
    except OSError as exc:
        return DataError(f"cannot read {name}: {exc.strerror or exc}")
    return DataError(f"{name} is not valid {encoding}; choose another encoding such as latin-1")


def _short(exc: Exception) -> str:
    """pandas' own message without its 'C error:' jargon."""
    return str(exc).replace("Error tokenizing data. C error: ", "").strip() or type(exc).__name__
