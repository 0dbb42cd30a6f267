"""The API's JSON parser: DRF's, refusing text that no database column can store.

Kept apart from core.api: DRF's views read DEFAULT_PARSER_CLASSES (this class) when
they are imported, and core.api imports DRF's views.
"""
import re

from rest_framework import exceptions, parsers

NON_FIELD = "non_field_errors"

# Text no database column can take: PostgreSQL refuses NUL in text, and a lone UTF-16
# surrogate ("\\ud800" in JSON) cannot be encoded as UTF-8 at all, not even in an error body.
UNSTORABLE_TEXT = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "Text may not contain a NUL character or an unpaired surrogate (\\ud800-\\udfff)."


def unstorable_text_path(data) -> str | None:
    """Return the dotted path of the first string (value or key) in `data` that cannot be stored, else None."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if UNSTORABLE_TEXT.search(value):
                return path or NON_FIELD
        elif isinstance(value, dict):
            for key, item in value.items():
                if UNSTORABLE_TEXT.search(key):
                    return path or NON_FIELD  # the key itself cannot be named
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value))
    return None


class TextSafeJSONParser(parsers.JSONParser):
    """DRF's JSON parser that refuses, with a 400 naming the field, text no database can store."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        path = unstorable_text_path(data)
        if path is not None:
            raise exceptions.ValidationError({path: [UNSTORABLE_MESSAGE]})
        return data
