"""The counter's hot path without the ORM's per-call query building (issue 14, docs/benchmarks.md).

- `CompiledQuery`, `CompiledIdList`: reads compiled once per database connection, then
  run with new ids. The writes (`insert_all`, `pipelined`) are in `core.compiled_writes`,
  which only the two writers of the hot path may import (docs/journal.md).

The ORM builds and compiles a queryset anew on every call: for the billing page's
holdings (every kind's terms as correlated subqueries) that costs more CPU than the
database spends answering. A `CompiledQuery` builds its queryset once per connection
with stand-in ids, keeps the SQL, the position of each id among the parameters and the
compiler (for its converters: dates on SQLite, JSON, arrays), and from then on only
swaps the ids and executes. The rows are exactly what `values()` would return.

Parameters are integers (primary and foreign keys) or strings (a token's key): each gets
a stand-in, which must be found once and only once among the compiled parameters, or the
build fails loudly. A query whose SQL depends on anything but those parameters
(today's date, a setting) must not be compiled here.
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError

# Stand-ins are only compiled, never run: they must be unlike any constant of the query, and
# in range for a 32-bit integer column (the ORM drops a lookup that cannot match). Text no one types.
_STAND_IN = 2_046_000_000
_TEXT_STAND_IN = "\x1fspa_pkg-compiled-{}\x1f"


def _stand_in(index: int, value):
    if isinstance(value, str):
        return _TEXT_STAND_IN.format(index)
    if isinstance(value, int) and not isinstance(value, bool):
        return _STAND_IN + index
    raise TypeError(f"A CompiledQuery takes integers and strings, not {type(value).__name__}.")


class Row(dict):
    """A values() row read like a model instance (`row.status`), without building one."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class _Compiled:
    __slots__ = ("sql", "params", "slots", "names", "compiler")

    def __init__(self, queryset: QuerySet, stand_ins: dict[str, int]):
        query = queryset.query
        self.compiler = query.get_compiler(queryset.db)
        sql, params = self.compiler.as_sql()
        self.sql, self.params = sql, list(params)
        self.slots = {}
        for name, value in stand_ins.items():
            where = [index for index, param in enumerate(self.params) if param == value]
            if len(where) != 1:
                raise ValueError(f"The parameter {name!r} appears {len(where)} times in the compiled query, not once.")
            self.slots[name] = where[0]
        self.names = list(query.selected) if query.selected else [
            *query.extra_select, *query.values_select, *query.annotation_select
        ]


class CompiledQuery:
    """A values() queryset built by `build(**ids)`, compiled on first use per connection.

    `run(**ids)` returns the rows as dicts (or `row_class(dict)`), as `values()` would.
    """

    def __init__(self, build: Callable[..., QuerySet], *, using: str = "default", row_class=dict):
        self.build, self.using, self.row_class = build, using, row_class
        # One compiled form per connection object: Django gives each thread its own.
        self._by_connection: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def _compiled(self, connection, names: dict) -> _Compiled:
        compiled = self._by_connection.get(connection)
        if compiled is None:
            stand_ins = {name: _stand_in(index, names[name]) for index, name in enumerate(sorted(names))}
            queryset = self.build(**stand_ins)
            if queryset._iterable_class.__name__ != "ValuesIterable":
                raise TypeError("A CompiledQuery builds a values() queryset.")
            compiled = _Compiled(queryset.using(self.using), stand_ins)
            with self._lock:
                self._by_connection[connection] = compiled
        return compiled

    def run(self, **ids: int | str) -> list:
        connection = connections[self.using]
        compiled = self._compiled(connection, ids)
        locks = compiled.compiler.query.select_for_update and connection.features.has_select_for_update
        if locks and connection.get_autocommit():  # as the ORM's compiler refuses it
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = list(compiled.params)
        for name, value in ids.items():
            params[compiled.slots[name]] = value if isinstance(value, str) else int(value)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        names, row_class = compiled.names, self.row_class
        return [row_class(zip(names, row, strict=True)) for row in compiled.compiler.results_iter(results=[fetched])]

    def run_models(self, model, **ids: int | str) -> list:
        """Run, and build `model` instances from rows holding every concrete column (extra keys become attributes)."""
        names = [field.attname for field in model._meta.concrete_fields]
        instances = []
        for row in self.run(**ids):
            instance = model.from_db(self.using, names, [row[name] for name in names])
            for name in row.keys() - set(names):
                setattr(instance, name, row[name])
            instances.append(instance)
        return instances


class CompiledIdList:
    """A values() queryset over a list of ids (`build(ids)`), compiled once per list length and connection.

    Lists longer than `longest` run uncompiled: a cart has a handful of items, so the
    compiled forms stay few.
    """

    def __init__(self, build: Callable[[list[int]], QuerySet], *, longest: int = 16, row_class=dict):
        self.build, self.longest, self.row_class = build, longest, row_class
        self._by_length: dict[int, CompiledQuery] = {}

    def run(self, ids) -> list:
        ids = sorted({int(pk) for pk in ids})
        if not ids:
            return []
        if len(ids) > self.longest:
            return [self.row_class(row) for row in self.build(ids)]
        query = self._by_length.get(len(ids))
        if query is None:
            names = [f"id{index}" for index in range(len(ids))]
            query = CompiledQuery(lambda **kw: self.build([kw[name] for name in names]), row_class=self.row_class)
            self._by_length[len(ids)] = query
        return query.run(**{f"id{index}": pk for index, pk in enumerate(ids)})
