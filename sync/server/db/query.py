"""A SQLAlchemy Core statement compiled once for psycopg, for look-ups run on the event loop (``loop_reads``).

Its rows come back as dicts with each value passed through its column's result processor, exactly as a
Core execution would give them (``tests/server/test_loop_reads.py`` compares the two on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable, Select, TextualSelect
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

_DIALECT = PGDialect_psycopg()  # type: ignore[no-untyped-call] # SQLAlchemy's dialects are untyped
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Query:
    """A statement compiled once: its SQL for psycopg (named ``%(name)s`` parameters), the values of the
    parameters it carries itself (its literals: ``id = 1``, ``LIMIT 1``), its column names and the
    result processor of each (``None`` where the driver's value is already right)."""

    statement: Executable
    sql: str
    fixed: dict[str, Any]
    columns: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]

    @classmethod
    def of(cls, statement: Select[*tuple[Any, ...]] | TextualSelect) -> Query:
        """Compile ``statement`` (a ``select`` or a ``text`` with ``.columns(...)``)."""
        compiled = statement.compile(dialect=_DIALECT)
        selected = statement.selected_columns
        processors = tuple(column.type.result_processor(_DIALECT, None) for column in selected)
        fixed = {name: value for name, value in compiled.params.items() if value is not None}
        return cls(statement, str(compiled), fixed, tuple(selected.keys()), processors)

    def parameters(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The statement's own parameters with ``given`` (the caller's) added."""
        return {**self.fixed, **given}

    def row(self, values: tuple[Any, ...]) -> Row:
        """A fetched row as ``{column: value}``, processed as Core would."""
        return {
            name: value if process is None or value is None else process(value)
            for name, value, process in zip(self.columns, values, self.processors, strict=True)
        }
