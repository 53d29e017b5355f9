"""What every repository shares: where its statements run (a scope), the store's clock and dialect, paging helpers.

A repository never opens connections itself. It asks its scope for a `Unit` (a connection in a transaction plus the
job kinds pushed in it): the store's auto scope gives each call its own short transaction; a `store.transaction()`
scope gives every call the same one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Engine, Select, func, select
from sqlalchemy.exc import DBAPIError, StatementError

from choreo.store.dialects import WRITE_OPTION, Dialect
from choreo.store.errors import Conflict, InvalidQuery, InvalidValue
from choreo.store.records import Page

T = TypeVar("T")


@contextmanager
def _translated() -> Iterator[None]:
    """A value our column types refuse (a naive datetime…) becomes InvalidValue, not SQLAlchemy's wrapper."""
    try:
        yield
    except StatementError as exc:
        if isinstance(exc, DBAPIError) or not isinstance(exc.orig, ValueError | TypeError):
            raise
        raise InvalidValue(str(exc.orig)) from exc


@dataclass(eq=False)
class Unit:
    conn: Connection
    pushed: set[str] = field(default_factory=set)


class AutoScope:
    """Each call runs in its own transaction, committed before the call returns."""

    in_transaction = False

    def __init__(self, engine: Engine, dialect: Dialect, after_commit: Callable[[frozenset[str]], None]) -> None:
        self._engine = engine
        self._dialect = dialect
        self._after_commit = after_commit

    @contextmanager
    def read(self) -> Iterator[Unit]:
        with _translated(), self._engine.connect() as conn:
            if self._dialect.read_options:
                conn.execution_options(**self._dialect.read_options)
            yield Unit(conn)

    @contextmanager
    def write(self) -> Iterator[Unit]:
        with _translated(), self._dialect.write_lock(), self._engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            unit = Unit(conn)
            with conn.begin():
                yield unit
        if unit.pushed:
            self._after_commit(frozenset(unit.pushed))

    @contextmanager
    def write_one(self) -> Iterator[Unit]:
        """For one write statement, atomic by itself: on PostgreSQL it runs in autocommit, which saves the BEGIN and
        COMMIT round trips (a queue claim on the hot path); on SQLite it is `write()`."""
        if not self._dialect.single_write_autocommit:
            with self.write() as unit:
                yield unit
            return
        with _translated(), self._engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT", **{WRITE_OPTION: True})
            unit = Unit(conn)
            yield unit
        if unit.pushed:
            self._after_commit(frozenset(unit.pushed))


class TransactionScope:
    """Every call shares the connection and transaction of one `store.transaction()`."""

    in_transaction = True

    def __init__(self, unit: Unit) -> None:
        self._unit = unit

    @contextmanager
    def read(self) -> Iterator[Unit]:
        with _translated():
            yield self._unit

    write = write_one = read


Scope = AutoScope | TransactionScope


@dataclass(frozen=True)
class Context:
    dialect: Dialect
    clock: Callable[[], datetime]
    driver_dialect: Any = None  # SQLAlchemy's dialect of the engine (for `DriverStatement`)
    statements: dict[str, Any] = field(default_factory=dict, repr=False)

    def statement(self, name: str, build: Callable[[Dialect], T]) -> T:
        """A dialect-specific statement built once per store (built statements also keep their cache key)."""
        try:
            return self.statements[name]  # type: ignore[no-any-return]
        except KeyError:
            built = self.statements[name] = build(self.dialect)
            return built


class DriverStatement:
    """A bulk statement compiled once for the engine's dialect, whose rows are converted to the driver's values
    (`convert`) apart from its execution: a write prepared before it is due then costs only the driver's work (the
    scheduler builds a busy second's rows in the second before it)."""

    def __init__(self, stmt: Any, dialect: Any, keys: Sequence[str]) -> None:
        compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
        self.sql = compiled.string
        self._positions = compiled.positiontup  # None for named parameter styles (psycopg)
        # (name in the SQL, key in a row or None for a constant, the constant, the driver conversion)
        self._binds = [
            (
                name,
                bind.key if bind.key in keys else None,
                bind.effective_value,
                bind.type.dialect_impl(dialect).bind_processor(dialect),
            )
            for bind, name in compiled.bind_names.items()
        ]

    def convert(self, rows: Iterable[dict[str, Any]]) -> list[Any]:
        binds = self._binds
        converted = []
        for row in rows:
            values = {}
            for name, key, constant, process in binds:
                value = constant if key is None else row[key]
                values[name] = value if process is None else process(value)
            converted.append(values if self._positions is None else tuple(values[n] for n in self._positions))
        return converted


@dataclass(frozen=True, slots=True)
class PreparedWrite:
    """Rows converted for one `DriverStatement`; `announce` names the job kinds it pushes (wake-ups on commit);
    `fenced`: every row must match one row of the table, or the write raises Conflict (its transaction is rolled
    back)."""

    sql: str
    rows: list[Any]
    announce: tuple[str, ...] = ()
    fenced: str | None = None  # what the conflict message says when a row matched nothing


class Repository:
    def __init__(self, context: Context, scope: Scope) -> None:
        self._context = context
        self._dialect = context.dialect
        self._scope = scope

    def _now(self, now: datetime | None) -> datetime:
        return now if now is not None else self._context.clock()

    def _prepare(
        self,
        name: str,
        stmt: Any,
        rows: list[dict[str, Any]],
        *,
        announce: tuple[str, ...] = (),
        fenced: str | None = None,
    ) -> PreparedWrite:
        """`rows` for `stmt` converted ahead (the statement is compiled once per store for the rows' keys, which
        every row of one `name` shares)."""
        if not rows:
            return PreparedWrite("", [])
        keys = tuple(rows[0])
        statement: DriverStatement = self._context.statement(
            f"driver:{name}:{','.join(keys)}",
            lambda _dialect: DriverStatement(stmt, self._context.driver_dialect, keys),
        )
        return PreparedWrite(statement.sql, statement.convert(rows), announce, fenced)

    def write_prepared(self, prepared: PreparedWrite) -> None:
        """Execute a write prepared by this repository's `prepare_…` method."""
        if not prepared.rows:
            return
        with self._scope.write() as unit:
            matched = unit.conn.exec_driver_sql(prepared.sql, prepared.rows).rowcount
            if prepared.fenced is not None and matched != len(prepared.rows):
                raise Conflict(f"{len(prepared.rows) - matched} of {len(prepared.rows)} {prepared.fenced}")
            self._announce(unit, prepared.announce)

    def _announce(self, unit: Unit, kinds: Iterable[str]) -> None:
        """Jobs of `kinds` were pushed in `unit`: wake their consumers when it commits (once per kind)."""
        for kind in kinds:
            if kind not in unit.pushed:
                unit.pushed.add(kind)
                self._dialect.notify(unit.conn, kind)


def in_namespace(column: Any, namespace: str) -> ColumnElement[bool]:
    """The namespace itself or any child (`a.b` matches `a.b` and `a.b.c`, not `a.bc`), as Kestra filters."""
    return (column == namespace) | column.startswith(namespace + ".", autoescape=True)


def contains_text(columns: Sequence[Any], text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match on any of `columns`."""
    needle = text.lower()
    clauses = [func.lower(column).contains(needle, autoescape=True) for column in columns]
    result = clauses[0]
    for clause in clauses[1:]:
        result = result | clause
    return result


def order_by(sort: str, columns: dict[str, Any], tiebreak: Any) -> list[Any]:
    """`"field:asc"` / `"field:desc"` (default asc) → ORDER BY, NULLs last, then `tiebreak` for a stable order."""
    name, _, direction = sort.partition(":")
    column = columns.get(name)
    if column is None or direction.lower() not in ("", "asc", "desc"):
        raise InvalidQuery(f"cannot sort by {sort!r}: use one of {', '.join(sorted(columns))} with :asc or :desc")
    descending = direction.lower() == "desc"
    primary = column.desc() if descending else column.asc()
    return [primary.nulls_last(), tiebreak.desc() if descending else tiebreak.asc()]


def fetch_page(
    conn: Connection, rows: Select[Any], where: list[Any], page: int, size: int, row_to: Callable[[Any], T]
) -> Page[T]:
    """Total count and one page of rows, two statements on one connection."""
    if page < 1 or size < 1:
        raise InvalidQuery(f"page and size must be at least 1, got page={page}, size={size}")
    froms = rows.get_final_froms()
    total = conn.execute(select(func.count()).select_from(*froms).where(*where)).scalar_one()
    items = [row_to(row) for row in conn.execute(rows.where(*where).limit(size).offset((page - 1) * size))]
    return Page(items=items, total=total, page=page, size=size)
