"""Rows of report.xlsx written as xlsxwriter writes them, a row at a time instead of a cell at a time.

In constant-memory mode xlsxwriter spends ≈ 10 µs on each cell: a cell object, a flush that
dispatches on its class name, three regular expressions and an attribute list per cell. A large
run's workbook is a million cells, nearly all of them short text of the member sheets. ``RowSheet``
is xlsxwriter's worksheet with one method more, ``write_cells``: a whole row of text and numbers,
its XML made in one piece exactly as ``write_string`` (an inline string), ``write_number`` and
``write_blank`` make each cell's, with xlsxwriter's own escaping for any text that needs it. A row
holding anything else (a boolean, NaN, a text too long for a cell, a rich string) is handed back,
for xlsxwriter's own methods. ``write_rows`` writes many rows of plain texts at once (a member
sheet's rows, nearly all of the cells): their texts looked at together, joined into one text, and
their XML made with one ``%`` of a template. tests/test_xlsx_rows.py checks that both give the same
sheet XML as xlsxwriter's methods.
"""

from __future__ import annotations

import io
import math
import re
import types
import zipfile
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import chain

import xlsxwriter.workbook
from xlsxwriter.format import Format
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# Text that xlsxwriter changes or marks: XML escapes, control characters and its own _xHHHH_ escape,
# leading or trailing white space ("preserve"), a rich string's tags. Other text goes in as it is.
_CHANGED = re.compile(r'[&<>"\x00-\x1f]|_x[0-9a-fA-F]{4}_|^\s|\s$')
# xlsxwriter truncates a longer text to Excel's limit (32,767 UTF-16 units) in write_string
_LONGEST_PLAIN = 16_383
_PRESERVE = ' xml:space="preserve"'
TEXTS_HELD = 1 << 17  # distinct texts a ``Texts`` holds before it starts again (≈ 25 MB at most)


class Texts:
    """Each distinct text's cell text (``clean`` of it) and whether it goes in as it is (plain, see
    ``_CHANGED``), worked out once: a member sheet repeats its kinds, kabupaten/kota, "ya" and
    "tidak" on every row, and its ids and names on every sheet. Bounded: when ``held`` texts are
    known it forgets them all and learns again.

    ``kept_unless_starting``, when given, says that ``clean`` leaves as it is every printable text
    (``str.isprintable``: no control character) not starting with one of these: rows of such texts
    are then written without looking each text up (``RowSheet.write_rows``)."""

    def __init__(self, clean: Callable[[str], object] | None = None, held: int = TEXTS_HELD, *,
                 kept_unless_starting: tuple[str, ...] | None = None):
        self.clean = clean
        self.held = held
        self.known: dict[str, tuple[object, bool]] = {}
        if clean is None:
            kept_unless_starting = ()
        # in rows' texts joined as ``RowSheet.write_rows`` joins them: a text that is empty, starts with a
        # space or with what ``clean`` changes (None: what it changes is not known)
        self.unsafe_start = None if kept_unless_starting is None else re.compile(
            f"{_SEPARATOR}(?:[ {_SEPARATOR}]" + "".join(f"|{re.escape(start)}" for start in kept_unless_starting) + ")")

    def learn(self, value: str) -> tuple[object, bool]:
        text = self.clean(value) if self.clean is not None else value
        plain = text.__class__ is str and bool(text) and not _CHANGED.search(text) and len(text) <= _LONGEST_PLAIN
        if len(self.known) >= self.held:
            self.known.clear()
        known = self.known[value] = (text, plain)
        return known


# A row's texts are joined between separators to be looked at all at once: "<", which a text
# written together does not hold (xlsxwriter escapes it; so are & and >, escaped there alike)
_SEPARATOR = "<"


class RowSheet(Worksheet):
    """A worksheet of a constant-memory workbook (``Workbook.add_worksheet(..., worksheet_class=RowSheet)``),
    its column widths set before its rows (a column's own format is xlsxwriter's to apply)."""

    _column_formats: bool | None = None
    _row_rest: str | None = None  # the <row> tag after its number, as ``_write_row`` writes it here
    # the formats ``_unstyled_columns`` last saw, and how many columns they give with no text format first
    _unstyled: tuple[Sequence[tuple[Format | None, Format | None]], int] | None = None
    _templates: dict[tuple[int, int], str] | None = None  # (width, rows) → ``_rows_template``

    def write_rows(self, first: int, rows: Sequence[Sequence[object]],
                   formats: Sequence[tuple[Format | None, Format | None]], texts: Texts | None = None) -> bool:
        """Writes ``rows`` as rows ``first``, ``first`` + 1, … at once, as ``write_cells`` writes each,
        when all their values are texts that go in as they are but for XML's escapes (as ``texts``
        makes them: see ``Texts.unsafe_start``) in columns without a text format, every row as wide;
        False, with nothing written, otherwise. The texts are looked at together, joined into one:
        most rows of a member sheet (kinds, ids, names, kabupaten/kota, "ya", "tidak") are such rows."""
        texts = texts if texts is not None else _AS_IS
        unsafe_start = texts.unsafe_start
        if unsafe_start is None or not rows:
            return False
        width = len(rows[0])
        last = first + len(rows) - 1
        if (not width or width > self._unstyled_columns(formats) or not self._writable(first, last, width)
                or any(len(values) != width for values in rows)):
            return False
        try:
            joined = f"{_SEPARATOR}{_SEPARATOR.join(chain.from_iterable(rows))}{_SEPARATOR}"  # type: ignore[arg-type]
        except TypeError:  # not only texts
            return False
        # printable: no control character, nor white space but the space; no text holds the separator,
        # starts with what ``texts`` changes or a space, ends with a space, is empty, or holds an _xHHHH_
        if not (joined.isprintable() and joined.count(_SEPARATOR) == width * len(rows) + 1
                and not unsafe_start.search(joined) and f" {_SEPARATOR}" not in joined and "_x" not in joined
                and (len(joined) <= _LONGEST_PLAIN or max(map(len, chain.from_iterable(rows))) <= _LONGEST_PLAIN)):
            return False
        columns: Iterable[Sequence[object]]
        if "&" in joined or ">" in joined:  # escaped as xlsxwriter escapes a text (_escape_data; "<" is not there)
            escaped = joined.replace("&", "&amp;").replace(">", "&gt;")[1:-1].split(_SEPARATOR)
            columns = [escaped[column::width] for column in range(width)]
        else:
            columns = zip(*rows)
        self._start_row(first)
        # the rows' XML in one piece: a row's number, then each cell's number and text, for each row
        numbers = list(map(str, range(first + 1, last + 2)))
        fields = [numbers] + [column for texts_of_column in columns for column in (numbers, texts_of_column)]
        self.fh.write(self._rows_template(width, len(rows)) % tuple(chain.from_iterable(zip(*fields))))
        self.previous_row = last
        self._dimensions(first, 0, width - 1)
        self._dimensions(last, 0, width - 1)
        return True

    def write_cells(self, row: int, values: Sequence[object],
                    formats: Sequence[tuple[Format | None, Format | None]], texts: Texts | None = None) -> bool:
        """Writes ``values`` as row ``row`` (empty text and None: no cell, or a blank cell where its
        text format is given), each column's cells in ``formats`` (for text, for numbers), each text
        as ``texts`` makes it (``Texts.clean``; as it is without ``texts``);
        False, with nothing of this row written, when xlsxwriter's own methods must write it."""
        if self.write_rows(row, (values,), formats, texts):
            return True
        if not self._writable(row, row, len(values)):
            return False
        self._start_row(row)
        number = str(row + 1)
        cells = [f'<row r="{number}{self._row_rest}']
        first = last = -1
        refs = _refs(len(values))
        if texts is None:
            texts = _AS_IS
        known, learn = texts.known, texts.learn
        for column, value in enumerate(values):
            text_format, number_format = formats[column]
            plain = False
            if value.__class__ is str:
                value, plain = known.get(value) or learn(value)
            if plain and text_format is None:  # most cells: plain text, no style
                cell = f'<c r="{refs[column]}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
            else:
                cell = self._cell(refs[column] + number, value, text_format, number_format)
                if cell is None:  # xlsxwriter's own methods write the row, as if this one had not started it
                    return False
                if not cell:
                    continue
            cells.append(cell)
            if first < 0:
                first = column
            last = column
        if first >= 0:
            self._dimensions(row, first, last)
            cells.append("</row>")
            self.fh.write("".join(cells))
        return True

    def _rows_template(self, width: int, count: int) -> str:
        """The XML of ``count`` rows of ``width`` plain texts with no style, as ``write_cells`` writes
        each, for ``%``: each row's number, then each cell's row number and text."""
        templates = self._templates
        if templates is None:
            templates = self._templates = {}
        template = templates.get((width, count))
        if template is None:
            if len(templates) >= 4:  # a sheet's batches are of one length, and its last is shorter
                templates.clear()
            row = (f'<row r="%s{self._row_rest.replace("%", "%%")}'  # type: ignore[union-attr]
                   + "".join(f'<c r="{ref}%s" t="inlineStr"><is><t>%s</t></is></c>' for ref in _refs(width)[:width])
                   + "</row>")
            template = templates[(width, count)] = row * count
        return template

    def _writable(self, first: int, last: int, width: int) -> bool:
        """Whether rows ``first`` to ``last`` of ``width`` cells can be written here and now."""
        if self._column_formats is None:
            self._column_formats = any(info.column_format is not None for info in self.col_info.values())
        return (self.constant_memory and not self._column_formats and first > self.previous_row
                and last < self.xls_rowmax and width <= self.xls_colmax
                and not any(first <= row <= last for row in self.row_info))

    def _start_row(self, row: int) -> None:
        """The row before goes to disk, as write_string would do now for row ``row``."""
        previous = self.previous_row
        if self.table or previous in self.row_info or previous in self.comments:
            self._write_single_row(row)
        else:
            self.previous_row = row  # what _write_single_row does when nothing is waiting
        if self._row_rest is None:
            self._row_rest = self._row_tag_rest()

    def _unstyled_columns(self, formats: Sequence[tuple[Format | None, Format | None]]) -> int:
        """How many of the first columns of ``formats`` have no text format."""
        if self._unstyled is None or self._unstyled[0] is not formats:
            count = next((column for column, (text_format, _) in enumerate(formats) if text_format is not None),
                         len(formats))
            self._unstyled = (formats, count)
        return self._unstyled[1]

    def _dimensions(self, row: int, first: int, last: int) -> None:
        """The sheet's dimensions as _check_dimensions(row, first) and (row, last) keep them."""
        if self.dim_rowmin is None or row < self.dim_rowmin:
            self.dim_rowmin = row
        if self.dim_rowmax is None or row > self.dim_rowmax:
            self.dim_rowmax = row
        if self.dim_colmin is None or first < self.dim_colmin:
            self.dim_colmin = first
        if self.dim_colmax is None or last > self.dim_colmax:
            self.dim_colmax = last

    def _row_tag_rest(self) -> str:
        """What ``_write_row(row, None)`` writes after the row's number: the same for every row of
        this sheet without row formatting (its default height, the Excel version's attributes)."""
        held, self.fh = self.fh, io.StringIO()
        try:
            self._write_row(0, None)
            tag = self.fh.getvalue()
        finally:
            self.fh = held
        start = '<row r="1'
        if not tag.startswith(start):
            raise RuntimeError(f"xlsxwriter menulis tag baris yang tidak dikenal: {tag!r}")
        return tag[len(start):]

    def _cell(self, ref: str, value: object, text_format: Format | None, number_format: Format | None) -> str | None:
        """One cell's XML ("" for no cell); None if xlsxwriter's own methods must write it."""
        if value is None or value == "":
            return f'<c r="{ref}" s="{text_format._get_xf_index()}"/>' if text_format is not None else ""
        style = ""
        if isinstance(value, str):
            if text_format is not None:
                style = f' s="{text_format._get_xf_index()}"'
            if len(value) > _LONGEST_PLAIN:
                return None
            preserve = ""
            if _CHANGED.search(value):
                value = self._escape_control_characters(value)
                if value.startswith("<r>") and value.endswith("</r>"):  # xlsxwriter writes it as a rich string
                    return None
                preserve = _PRESERVE if _preserve_whitespace(value) else ""
                value = self._escape_data(value)
            return f'<c r="{ref}"{style} t="inlineStr"><is><t{preserve}>{value}</t></is></c>'
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            if number_format is not None:
                style = f' s="{number_format._get_xf_index()}"'
            return f'<c r="{ref}"{style}><v>{value:.16G}</v></c>'
        return None


_AS_IS = Texts()
# deflate level of the workbook's parts; xlsxwriter's zip file has zlib's default, 6. At 3 a national
# run's report.xlsx (196 MB of XML) is 17 % larger (22.5 MB, not 19.3) and its deflating takes 1.7 CPU-s
# less (3.0 → 1.3): bench/README.md, "other output process"
ZIP_LEVEL = 3


def _stored_at(level: int) -> Callable[[xlsxwriter.Workbook], None]:
    """xlsxwriter's ``Workbook._store_workbook``, its zip file deflating at ``level``: the same
    function, its module's names but ``ZipFile`` (nothing of xlsxwriter's module is changed)."""
    store = xlsxwriter.Workbook._store_workbook
    names = dict(vars(xlsxwriter.workbook), ZipFile=partial(zipfile.ZipFile, compresslevel=level))
    return types.FunctionType(store.__code__, names, store.__name__, store.__defaults__, store.__closure__)


class LeveledWorkbook(xlsxwriter.Workbook):
    """xlsxwriter's workbook, its parts deflated at ``ZIP_LEVEL``."""

    _store_workbook = _stored_at(ZIP_LEVEL)


_REFS: list[str] = []


def _refs(columns: int) -> list[str]:
    """The letters of the first ``columns`` columns (A, B, … AA)."""
    while len(_REFS) < columns:
        _REFS.append(xl_col_to_name(len(_REFS)))
    return _REFS
