"""Facts as ready JSON texts, made column-wise: a table's accepted rows, still as parsed polars
columns, turned into the texts the evaluator would make of their fact rows one by one
(``fact_projection.fact_text``: ``t``, ``id``, ``row`` if read, the values some leaf reads that are
not empty, ``sid``), byte for byte, and only for the rows some leaf can match
(``CompiledRuleset.relevant_rows``, mirrored here as an expression).

A worker given an entity's texts asserts them as they are: no fact row unpickled, projected or
encoded per fact in Python (``LeanEvaluator._texts``). Made for a one-year run (which values and
rows a table's facts carry depend on the year's rules), by ``fact_chunks.FactChunks``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import partial
from math import isfinite
from typing import Any

from engine.fact_columns import fact_columns
from engine.fact_projection import SID, Projection, fact_text
from engine.facts import to_fact_row
from engine.ingest.columnar import ROW, AcceptedRows, present_or_null
from engine.ingest.polars_setup import pl
from engine.ingest.tables import Record

# ``compiler._YEAR_OPERATORS`` over columns; a test on an empty value (null) fails, as there
_OPERATORS: dict[str, Callable[[Any, Any], pl.Expr]] = {
    "=": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


_INDEX = "__index__"


class NotFinite(Exception):
    """A value some leaf reads is NaN or infinite: JSON has no such number (the evaluator refuses the
    fact from its row), so no text is made."""


def relevant_expr(projection: Projection) -> pl.Expr | None:
    """``CompiledRuleset.relevant_rows`` over a table's fact columns: any leaf's year tests all hold
    (each on an integer year); None when every row is relevant."""
    if projection.year_tests is None:
        return None
    return pl.any_horizontal([
        pl.all_horizontal([_OPERATORS[test.op](pl.col(test.field), test.value).fill_null(False) for test in tests])
        for tests in projection.year_tests])


def text_expr(projection: Projection, frame: pl.DataFrame) -> pl.Expr:
    """Each row's fact as ``fact_text`` writes it, over ``frame`` (the fact columns: ``fact_columns``).

    The fields in ``Projection.fact``'s order, encoded by polars' JSON writer (orjson's text for
    strings, integers, floats and booleans), then each empty value's ``,"name":null`` taken out: in
    JSON a quote inside a string is always escaped, so that text occurs only as that key and its null."""
    fields = [pl.lit(projection.table).alias("t"),
              pl.concat_str(pl.lit(projection.prefix), pl.col(ROW).cast(pl.String)).alias("id")]
    if projection.row:
        fields.append(pl.col(ROW).alias("row"))
    fields += [pl.col(name) for name in projection.names]
    fields.append(pl.lit(SID).alias("sid"))
    text = pl.struct(fields).struct.json_encode()
    for name in projection.names:
        if frame[name].null_count():
            text = text.str.replace_all(f',"{name}":null', "", literal=True)
    return text


def fact_frame(rows: AcceptedRows) -> pl.DataFrame:
    """The clean rows' fact columns (``fact_columns``), named as their fact's values."""
    return rows.clean.select(fact_columns(rows.model.table, rows))


def fact_texts(rows: AcceptedRows, frame: pl.DataFrame, projection: Projection) -> list[str | None]:
    """The text of each row's fact (``fact_text`` of its fact row), in row order as ``fact_rows_of``
    gives the rows; None where no leaf can match the fact. ``frame``: ``fact_frame(rows)``."""
    text, relevant = _text_of(frame, projection)
    if relevant is None:
        clean = frame.select(text).to_series().to_list()
    else:
        # only the relevant rows encoded (ten years of RAT history, a year or two read), put in at their place
        found = frame.with_row_index(_INDEX).filter(relevant).select(_INDEX, text)
        series = pl.repeat(None, frame.height, dtype=pl.String, eager=True)
        clean = (series.scatter(found[_INDEX], found.to_series(1)) if found.height else series).to_list()
    return rows.with_checked(clean, partial(_record_text, projection))


OWNER, TEXT = "owner", "text"


def owned_texts(rows: AcceptedRows, frame: pl.DataFrame, projection: Projection, owner: str) -> pl.DataFrame:
    """``fact_texts`` of the rows that have one, with the id in their column ``owner`` (the entity
    they belong to), as a frame (``OWNER``, ``TEXT``) in row order: no text made a Python string."""
    text, relevant = _text_of(frame, projection)
    found = (frame if relevant is None else frame.filter(relevant)).select(
        ROW, present_or_null(frame, owner).cast(pl.String).alias(OWNER), text.alias(TEXT))
    if not rows.checked:
        return found.drop(ROW)
    checked = [(record.row, getattr(record, owner), _record_text(projection, record)) for record in rows.checked]
    made = pl.DataFrame([row for row in checked if row[2] is not None], schema=found.schema, orient="row")
    return pl.concat([found, made]).sort(ROW, maintain_order=True).drop(ROW)


def _text_of(frame: pl.DataFrame, projection: Projection) -> tuple[pl.Expr, pl.Expr | None]:
    """The text and relevance expressions over ``frame`` (``text_expr``, ``relevant_expr``);
    ``NotFinite`` if a value read is NaN or infinite."""
    floats = [name for name in projection.names if frame.schema[name].is_float()]
    if floats and not frame.select(pl.all_horizontal(pl.col(floats).is_finite().fill_null(True).all())).item():
        raise NotFinite(projection.table)
    return text_expr(projection, frame), relevant_expr(projection)


def _record_text(projection: Projection, record: Record) -> str | None:
    """The text of a record the row-by-row check accepted (``fact_text`` of its fact row)."""
    row = to_fact_row(record)
    text = fact_text(projection, row)
    # orjson writes NaN and ±inf as null, and a fact has no other null (empty values are left out)
    if text is not None and "null" in text and not all(
            isfinite(value) for value in projection.fact(row).values() if value.__class__ is float):  # type: ignore[union-attr]
        raise NotFinite(projection.table)
    return text
