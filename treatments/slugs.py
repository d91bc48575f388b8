"""Slugs for names in any script: transliterated to ASCII, or a stable hash when nothing is left.

Django's ``slugify`` drops every letter outside Latin, so "腰痛" and "Боль в спине" both became
"", and records keyed by slug collapsed into one. anyascii (which Wagtail itself depends on)
transliterates them ("yaotong", "bol-v-spine"); a name with no transliteration ("???") gets a
hash of the name. A slug already taken by another name gets the name's hash appended, so two
names never share one.
"""

import hashlib
from collections.abc import Callable

from anyascii import anyascii
from django.utils.text import slugify

HASH_LENGTH = 8


def name_hash(name: str) -> str:
    """Eight hex digits that depend on the name alone: the same on every run and machine."""
    return hashlib.blake2b(name.encode(), digest_size=HASH_LENGTH // 2).hexdigest()


def ascii_slug(name: str, *, fallback: str, max_length: int = 255) -> str:
    """The name transliterated and slugified; ``fallback-<hash>`` when that leaves nothing."""
    slug = slugify(anyascii(name))[:max_length].strip("-_")
    return slug or hashed_slug(fallback, name, max_length)


def hashed_slug(base: str, name: str, max_length: int = 255) -> str:
    """``base`` with the name's hash appended, within ``max_length``."""
    head = base[: max_length - HASH_LENGTH - 1].rstrip("-_")
    return f"{head}-{name_hash(name)}" if head else name_hash(name)


def unique_slug(
    name: str, *, fallback: str, taken: Callable[[str], bool], max_length: int = 255
) -> str:
    """A slug for ``name`` that ``taken`` says is free.

    ``taken`` is the caller's query, so "taken" means what the caller's uniqueness rule means
    (siblings in the page tree, a unique column). The plain slug first, then with the name's
    hash, then (two names with one hash, in theory) with a counter as well.
    """
    plain = ascii_slug(name, fallback=fallback, max_length=max_length)
    if not taken(plain):
        return plain
    hashed = hashed_slug(plain, name, max_length)
    candidate, counter = hashed, 1
    while taken(candidate):
        counter += 1
        candidate = f"{hashed[: max_length - len(str(counter)) - 1]}-{counter}"
    return candidate
