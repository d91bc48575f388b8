"""Parsing articles in the plain-text shape clinics' old websites export.

The shape (see tests/fixtures/ims_dry_needling.txt): the title on the first line,
questions as lines ending in "?", each followed by its answer's paragraphs, a
"Diseases We Treat" heading followed by the conditions, and "Read: N" with the old
site's read counter. Nothing is dropped: a line the parser cannot place is kept for the
editors to review (``unplaced``), never published as content.

Every bound the database has is checked here, so a bad file is refused with one line naming
the line and the limit instead of failing half way through the import.
"""

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

CONDITIONS_HEADINGS = {"diseases we treat", "conditions we treat", "conditions treated"}
READ_COUNT = re.compile(r"^read\s*:\s*(\d[\d,.\s]*)$", re.IGNORECASE)
BULLET = re.compile(r"^[-*\u2022]\s*")

# The model fields' max_length (Page.title, QuestionBlock.question, Condition.name);
# tests/treatments/test_plaintext.py holds them equal.
MAX_TITLE = 255
MAX_QUESTION = 255
MAX_CONDITION = 255
# Far above any site's counter, far below the bigint column, so reads counted later still fit.
MAX_READ_COUNT = 10**12


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
    questions: list[Question] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    read_count: int | None = None
    # Lines the parser could not place: shown to editors, never published.
    unplaced: list[str] = field(default_factory=list)

    @property
    def unanswered(self) -> list[str]:
        return [q.question for q in self.questions if not q.answer]


def shown(path: Path) -> str:
    """The path for a one-line message: a newline or escape in a file name is shown escaped."""
    return repr(str(path))[1:-1]


def read_article_file(path: Path, max_bytes: int) -> str:
    """The text of a regular file, or ArticleFileError (missing, a link, a device, too big,
    binary, not UTF-8, empty); the message leaves the file's name to the caller.

    The file is opened without following a symbolic link and checked on the open descriptor,
    so a link to /etc/passwd, or a file swapped for one after a check, is never read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ArticleFileError("no such file") from None
    except OSError as error:
        if os.path.islink(path):
            raise ArticleFileError("a symbolic link, expected a regular file") from None
        if os.path.isdir(path):
            raise ArticleFileError("not a regular file (a directory)") from None
        raise ArticleFileError(f"cannot read ({error.strerror})") from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            kind = "a directory" if stat.S_ISDIR(status.st_mode) else "a device, pipe or socket"
            raise ArticleFileError(f"not a regular file ({kind})")
        if status.st_size > max_bytes:
            raise ArticleFileError(f"{status.st_size} bytes is over the {max_bytes}-byte limit")
        with os.fdopen(os.dup(fd), "rb") as file:
            data = file.read(max_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # grew after the check
        raise ArticleFileError(f"over the {max_bytes}-byte limit")
    if b"\x00" in data:
        raise ArticleFileError("binary file (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleFileError(f"not UTF-8 text (invalid byte at offset {error.start})") from None
    if not text.strip():
        raise ArticleFileError("empty file, expected a title on the first line")
    return text


def _check_length(number: int, what: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise ArticleFileError(
            f"line {number}: {what} has {len(text)} characters, over the {limit}-character limit"
        )


def _read_count(number: int, digits_text: str) -> int:
    digits = re.sub(r"\D", "", digits_text)
    # Checked by length first: int() of a huge digit string is slow, or refused outright.
    if len(digits) > len(str(MAX_READ_COUNT)) or int(digits) > MAX_READ_COUNT:
        raise ArticleFileError(f'line {number}: "Read:" count is over the {MAX_READ_COUNT} limit')
    return int(digits)


def _lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines, stripped, with their 1-based line numbers."""
    if "\x00" in text:
        raise ArticleFileError("the text contains a NUL character, expected plain text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ArticleFileError("the text is not valid Unicode (a lone surrogate)") from None
    numbered = enumerate(text.splitlines(), start=1)
    return [(number, line.strip()) for number, line in numbered if line.strip()]


def parse_article(text: str) -> ParsedArticle:
    """Split an article's text into title, summary, questions, conditions and read count."""
    lines = _lines(text)
    if not lines:
        raise ArticleFileError("empty article, expected a title on the first line")
    first, title = lines[0]
    _check_length(first, "the title", title, MAX_TITLE)
    article = ParsedArticle(title=title)
    state, current, read_line = "summary", None, None
    for number, line in lines[1:]:
        read = READ_COUNT.match(line)
        if read:
            if read_line is not None:
                raise ArticleFileError(
                    f'line {number}: a second "Read:" line (the first is line {read_line})'
                )
            article.read_count, read_line = _read_count(number, read.group(1)), number
            state = "after_read"
        elif line.casefold() in CONDITIONS_HEADINGS:
            state = "conditions"
        elif line.endswith("?"):
            _check_length(number, "a question", line, MAX_QUESTION)
            current = Question(question=line)
            article.questions.append(current)
            state = "answer"
        elif state == "answer":
            current.answer.append(line)
        elif state == "summary":
            article.summary.append(line)
        elif state == "conditions" and BULLET.sub("", line):
            _add_condition(article, number, BULLET.sub("", line))
        else:
            article.unplaced.append(line)
    return article


def _add_condition(article: ParsedArticle, number: int, name: str) -> None:
    """Add a condition once: a name listed twice (in any letter case) is one condition."""
    _check_length(number, "a condition name", name, MAX_CONDITION)
    if name.casefold() not in {known.casefold() for known in article.conditions}:
        article.conditions.append(name)
