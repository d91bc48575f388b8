"""Parsing articles in the plain-text shape clinics' old websites export.

The shape (see tests/fixtures/ims_dry_needling.txt): the title on the first line,
questions as lines ending in "?", each followed by its answer's paragraphs, a
"Diseases We Treat" heading followed by the conditions, and "Read: N" with the old
site's read counter. Nothing is dropped: a line the parser cannot place is kept
as a paragraph of the body and reported.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

CONDITIONS_HEADINGS = {"diseases we treat", "conditions we treat", "conditions treated"}
READ_COUNT = re.compile(r"^read\s*:\s*([\d][\d,.\s]*)$", re.IGNORECASE)
BULLET = re.compile(r"^[-*\u2022]\s*")


class ArticleFileError(ValueError):
    """The file cannot be imported; the message says why, in one line."""


@dataclass
class Question:
    question: str
    answer: list[str] = field(default_factory=list)


@dataclass
class ParsedArticle:
    title: str
    summary: list[str] = field(default_factory=list)
    # ("question", Question) or ("paragraph", str), in source order.
    body: list[tuple[str, Question | str]] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    read_count: int | None = None
    unplaced: list[str] = field(default_factory=list)

    @property
    def unanswered(self) -> list[str]:
        return [q.question for kind, q in self.body if kind == "question" and not q.answer]


def read_article_file(path: Path, max_bytes: int) -> str:
    """The file's text, or ArticleFileError for a missing, oversized, binary or non-UTF-8 file."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ArticleFileError(f"{path}: no such file") from None
    except OSError as error:
        raise ArticleFileError(f"{path}: cannot read ({error.strerror})") from None
    if not path.is_file():
        raise ArticleFileError(f"{path}: not a regular file")
    if size > max_bytes:
        raise ArticleFileError(f"{path}: {size} bytes is over the {max_bytes}-byte limit")
    data = path.read_bytes()
    if b"\x00" in data:
        raise ArticleFileError(f"{path}: binary file (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleFileError(
            f"{path}: not UTF-8 text (invalid byte at offset {error.start})"
        ) from None
    if not text.strip():
        raise ArticleFileError(f"{path}: empty file, expected a title on the first line")
    return text


def parse_article(text: str) -> ParsedArticle:
    """Split an article's text into title, summary, questions, conditions and read count."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise ArticleFileError("empty article, expected a title on the first line")
    article = ParsedArticle(title=lines[0])
    state = "summary"
    current: Question | None = None
    for line in lines[1:]:
        read = READ_COUNT.match(line)
        if read:
            digits = re.sub(r"\D", "", read.group(1))
            article.read_count = int(digits)
            state = "after_read"
        elif line.casefold() in CONDITIONS_HEADINGS:
            state = "conditions"
        elif line.endswith("?"):
            current = Question(question=line)
            article.body.append(("question", current))
            state = "answer"
        elif state == "answer" and current is not None:
            current.answer.append(line)
        elif state == "summary":
            article.summary.append(line)
        elif state == "conditions":
            article.conditions.append(BULLET.sub("", line))
        else:
            article.body.append(("paragraph", line))
            article.unplaced.append(line)
    return article
