"""The counter's hot-path writes without the ORM's per-call statement building (issue 14, docs/benchmarks.md).

- `insert_all`: inserts of model instances, each value through its field;
- `pipelined`: writes nobody reads back, sent in one round trip on PostgreSQL;
- `insert_many`: thousands of rows at once (a spa going live brings in its customers' packages).

Private to the two writers of the hot path: `packages.ledger` (balances and the value
journal, docs/journal.md) and `billing.services.invoice` (the invoice). An import-linter
contract (pyproject.toml) keeps every other module out; elsewhere the plain ORM writes.
"""
from __future__ import annotations

from contextlib import contextmanager

from django.db import connections


@contextmanager
def pipelined(using: str = "default"):
    """Send the block's statements without waiting for each answer: one wait where rows are read, and at the end.

    psycopg's pipeline mode on PostgreSQL: a run of writes whose results nobody reads costs
    one round trip instead of one each. An error still raises (at the latest when the block
    ends), inside the caller's transaction, which then rolls back. Elsewhere (SQLite, in
    process) the block runs as it is.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    # An error met when the block's results arrive is raised by psycopg, not by a Django
    # cursor: wrap it as Django would (IntegrityError and the rest of django.db's errors).
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield


_INSERTS: dict[tuple, str] = {}  # the statement by (model, rows, database vendor, RETURNING or not)


def _columns(model) -> list:
    """The fields an INSERT writes: every concrete one but a primary key the database assigns."""
    return [field for field in model._meta.concrete_fields if not (field.primary_key and field.db_returning)]


def _row_values(obj, model, fields, connection, writer: str) -> list:
    """`obj`'s values as the ORM's insert takes them (`pre_save`, then `get_db_prep_save`)."""
    if type(obj) is not model or obj.pk is not None:
        raise ValueError(f"{writer} takes unsaved instances of one model.")
    obj._prepare_related_fields_for_save(operation_name=writer)
    return [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]


def _execute(connection, sql: str, params, objs: list, *, using: str, returning: bool) -> list:
    """Run an INSERT of `objs` and, with `returning`, give each the id the database assigned."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if not returning:
            return objs
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, using
    return objs


def _insert_head(model, fields, connection) -> str:
    quote = connection.ops.quote_name
    return f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "


def _returning(model, connection, returning: bool) -> str:
    return f" RETURNING {connection.ops.quote_name(model._meta.pk.column)}" if returning else ""


def insert_all(objs: list, *, using: str = "default", returning: bool = True) -> list:
    """INSERT unsaved instances of one model in one statement and give them their ids, as bulk_create does.

    Each value goes through its field exactly as the ORM's insert takes it (`pre_save`, so
    `auto_now_add` stamps; `get_db_prep_save`, so Money, JSON and dates adapt), and a related
    object saved after it was assigned gives its id. What is left out is the query machinery
    the ORM builds on every call: the statement for a model and a number of rows is written
    once per process. No signals are sent (bulk_create sends none either), and the database
    checks every constraint. `returning=False` leaves the ids unread (and the instances
    unsaved in memory), so that in a `pipelined` block the insert waits for nothing.
    """
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[using]
    fields = _columns(model)
    key = (model, len(objs), connection.vendor, returning)
    sql = _INSERTS.get(key)
    if sql is None:
        row = f"({', '.join(['%s'] * len(fields))})"
        sql = _insert_head(model, fields, connection) + f"VALUES {', '.join([row] * len(objs))}"
        sql += _returning(model, connection, returning)
        _INSERTS[key] = sql
    values = [value for obj in objs for value in _row_values(obj, model, fields, connection, "insert_all")]
    return _execute(connection, sql, values, objs, using=using, returning=returning)


def _unnest_types(fields, connection) -> list[str] | None:
    """The array type of each column for an UNNEST insert (as Django's bulk_create does), or None if one has no plain type."""
    if any(hasattr(field, "get_placeholder") for field in fields):
        return None
    return [field.db_type(connection).split("(")[0] for field in fields]


def insert_many(objs: list, *, using: str = "default", returning: bool = True, batch_size: int = 500) -> list:
    """INSERT many unsaved instances of one model, `insert_all` batch by batch, giving them their ids.

    On PostgreSQL one statement takes one array per column (`INSERT ... SELECT * FROM
    UNNEST(...)`, as Django's bulk_create): a VALUES list of thousands of placeholders costs
    more to parse on the client than to write. Elsewhere `batch_size` rows per statement
    keep within SQLite's 32,766 parameters.
    """
    if not objs:
        return objs
    connection = connections[using]
    model = type(objs[0])
    fields = _columns(model)
    types = _unnest_types(fields, connection) if connection.vendor == "postgresql" else None
    if types is None:
        for start in range(0, len(objs), batch_size):
            insert_all(objs[start:start + batch_size], using=using, returning=returning)
        return objs
    sql = _insert_head(model, fields, connection)
    sql += f"SELECT * FROM UNNEST({', '.join(f'(%s)::{db_type}[]' for db_type in types)})"
    sql += _returning(model, connection, returning)
    rows = [_row_values(obj, model, fields, connection, "insert_many") for obj in objs]
    columns = [list(column) for column in zip(*rows, strict=True)]
    return _execute(connection, sql, columns, objs, using=using, returning=returning)
