"""Hashes of an article's content as stored, for telling a real change from a re-save.

The importer compares them to find an editor's change; clinical review compares them to find a
change after review. Saving in the admin rewrites rich text (block keys, empty paragraphs) and
block ids without anyone changing a word, so those are left out of every hash.
"""

import hashlib
import json
import re


def field_fingerprint(page, name: str) -> str:
    """A hash of one field's content as stored, left out what saving in the admin changes
    without an editor changing anything: block ids, and the keys (``data-block-key``) and
    empty paragraphs the rich-text editor writes."""
    if name == "body":
        value = [[block.block_type, block.block.get_prep_value(block.value)] for block in page.body]
    else:
        value = getattr(page, name)
    return value_fingerprint(value)


BLOCK_KEY = re.compile(r' data-block-key="[^"]*"')


def _unsaved_form(value):
    if isinstance(value, str):
        html = BLOCK_KEY.sub("", value)
        return "" if html == "<p></p>" else html
    if isinstance(value, dict):
        return {key: _unsaved_form(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unsaved_form(item) for item in value]
    return value


def value_fingerprint(value) -> str:
    """A hash of a value built from stored content (lists, dicts, strings, numbers)."""
    encoded = json.dumps(_unsaved_form(value), sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()
