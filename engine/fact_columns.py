"""Fact rows made column-wise: a table's accepted rows, still as parsed polars columns, turned into
the rows ``facts.to_fact_row`` makes from records, with no record per clean row.

Kept apart from ``engine.facts`` so that a reader of a run's record (which needs the facts' layout)
does not import polars.
"""

from __future__ import annotations

from engine.facts import DERIVED_YEARS, FactRow, to_fact_row
from engine.ingest.columnar import ROW, AcceptedRows, present_or_null
from engine.ingest.polars_setup import pl
from engine.ingest.tables import TABLE_BY_NAME


def fact_columns(table: str, rows: AcceptedRows) -> list[pl.Expr]:
    """The values of a fact row after its table (``to_fact_row``) as expressions over a table's parsed
    columns: the source row, the columns (dates as day numbers), the derived years."""
    def value(column: str) -> pl.Expr:
        parsed = present_or_null(rows.clean, column)
        if rows.clean.schema.get(column) == pl.Date:
            return (parsed.dt.year().cast(pl.Int64) * 10000 + parsed.dt.month().cast(pl.Int64) * 100
                    + parsed.dt.day().cast(pl.Int64)).alias(column)
        return parsed

    years = [present_or_null(rows.clean, column).dt.year().cast(pl.Int64).alias(name)
             if rows.clean.schema.get(column) == pl.Date else pl.lit(None).alias(name)
             for name, column in DERIVED_YEARS.get(table, {}).items()]
    return [pl.col(ROW), *(value(column) for column in TABLE_BY_NAME[table].columns()), *years]


def fact_rows_of(rows: AcceptedRows) -> list[FactRow]:
    """The fact rows of a table's accepted rows, in row order, made column-wise (``to_fact_row``'s rows)."""
    table = rows.model.table
    return rows.tuples(fact_columns(table, rows), to_fact_row, first=table)
