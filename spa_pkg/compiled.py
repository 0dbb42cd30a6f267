"""Hot reads compiled once per database connection, then run with new ids.

The ORM builds and compiles a queryset anew on every call: for the billing page's
holdings (every kind's terms as correlated subqueries) that costs more CPU than the
database spends answering. A `CompiledQuery` builds its queryset once per connection
with stand-in ids, keeps the SQL, the position of each id among the parameters and the
compiler (for its converters: dates on SQLite, JSON, arrays), and from then on only
swaps the ids and executes. The rows are exactly what `values()` would return.

Parameters are integers (primary and foreign keys): each gets a stand-in no real row
has, found once and only once among the compiled parameters, or the build fails loudly.
A query whose SQL depends on anything but those ids (today's date, a setting) must not
be compiled here.
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError

# Far above any id a shop will reach, and distinct per parameter.
_STAND_IN = 7_340_000_000_000


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

    def _compiled(self, connection, names) -> _Compiled:
        compiled = self._by_connection.get(connection)
        if compiled is None:
            stand_ins = {name: _STAND_IN + index for index, name in enumerate(sorted(names))}
            queryset = self.build(**stand_ins)
            if queryset._iterable_class.__name__ != "ValuesIterable":
                raise TypeError("A CompiledQuery builds a values() queryset.")
            compiled = _Compiled(queryset.using(self.using), stand_ins)
            with self._lock:
                self._by_connection[connection] = compiled
        return compiled

    def run(self, **ids: int) -> list:
        connection = connections[self.using]
        compiled = self._compiled(connection, ids)
        locks = compiled.compiler.query.select_for_update and connection.features.has_select_for_update
        if locks and connection.get_autocommit():  # as the ORM's compiler refuses it
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = list(compiled.params)
        for name, value in ids.items():
            params[compiled.slots[name]] = int(value)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        names, row_class = compiled.names, self.row_class
        return [row_class(zip(names, row, strict=True)) for row in compiled.compiler.results_iter(results=[fetched])]
