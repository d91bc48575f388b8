"""Helpers the importer's tests share: running the command as an operator does, and reading
back what an article publishes."""

import re
from html import unescape
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.html import strip_tags

from treatments.models import TreatmentPage

SEED_TITLE = "Intramuscular Stimulation, Dry Needle Therapy"


def published_text(page: TreatmentPage) -> str:
    """Everything the article publishes: title, summary, every question and answer."""
    parts = [page.title, page.summary]
    for block in page.body:
        if block.block_type == "question":
            parts += [block.value["question"], block.value["answer"].source]
        else:
            parts.append(block.value.source)
    text = unescape(strip_tags(" ".join(parts)))
    return re.sub(r"\s+", " ", text)


def import_files(*paths, parent=None):
    out, err = StringIO(), StringIO()
    extra = ["--parent", str(parent)] if parent is not None else []
    call_command("import_article", *map(str, paths), *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*paths, match="1 of 1 file"):
    """Import expecting a refusal: the command's stderr, one line per file."""
    err = StringIO()
    with pytest.raises(CommandError, match=match):
        call_command("import_article", *map(str, paths), stdout=StringIO(), stderr=err)
    return err.getvalue()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path
