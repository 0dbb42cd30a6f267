"""schemathesis hooks for tests/schemathesis_run.sh: hostile text in JSON bodies and query strings.

schemathesis never generates a lone surrogate (it cannot be encoded for the wire), yet JSON
carries one as the escape "\\ud800"; and NUL, year 1 and 9999 dates, three decimal places or
huge numbers are rare in its draws. Each once answered 500 (issue 21, item 8). These hooks
put one such value, drawn by hypothesis, in place of one value of a generated body or query.
"""
import json

import schemathesis
from hypothesis import strategies as st

HOSTILE_BODY = ["\ud800", "a\udfffb", "a\x00b", "10.005", "-1", "9" * 30, "0001-01-01", "9999-12-31", "x" * 5000, [], {}]
# A query string is bytes on the wire: no surrogate there (UTF-8 cannot carry one).
HOSTILE_QUERY = ["\x00", "a\x00b", "0001-01-01", "9999-12-31", "10.005", "-1", "9" * 30, "x" * 5000]


def leaves(value, path=()):
    """Yield the path of every scalar in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path


def replaced(value, path, new):
    """Return a copy of `value` with the scalar at `path` replaced by `new`."""
    copy = json.loads(json.dumps(value))
    if not path:
        return new
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return copy


def every_text(value, new):
    """Return a copy of `value` with every string in it replaced by `new`."""
    if isinstance(value, dict):
        return {key: every_text(item, new) for key, item in value.items()}
    if isinstance(value, list):
        return [every_text(item, new) for item in value]
    return new if isinstance(value, str) else value


def hostile_variants(value, hostile):
    """Return a strategy for `value` with one of its scalars, or every string in it, replaced by one of `hostile`."""
    paths = list(leaves(value))
    one = st.tuples(st.sampled_from(paths), st.sampled_from(hostile)).map(lambda pick: replaced(value, *pick))
    # Every string at once reaches the choice fields whatever their place (a surrogate there once echoed into a 500).
    every = st.sampled_from(hostile).map(lambda new: every_text(value, new))
    return st.one_of(every, one)


def with_body(case, body):
    derived = case.derive(keep_auth=True)
    # Past Case.__setattr__: it would check the new body against the schema again, and its
    # validator cannot even read a lone surrogate. The case is sent as it is; only 500s count.
    object.__setattr__(derived, "body", body)
    return derived


@schemathesis.hook
def flatmap_case(context, case):
    """Send the case as generated, or with one value of its JSON body or its query made hostile."""
    options = [st.just(case)]
    # JSON only: a form body is bytes on the wire, like a query.
    if case.media_type == "application/json" and isinstance(case.body, dict | list) and list(leaves(case.body)):
        options.append(hostile_variants(case.body, HOSTILE_BODY).map(lambda body: with_body(case, body)))
    if case.query and list(leaves(case.query)):
        options.append(hostile_variants(case.query, HOSTILE_QUERY).map(lambda query: case.derive(query=query, keep_auth=True)))
    return st.one_of(options)
