import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treatments.blocks import QuestionBlock
from treatments.models import Condition, TreatmentPage
from treatments.plaintext import (
    BULLET,
    CONDITIONS_HEADINGS,
    MAX_CONDITION,
    MAX_QUESTION,
    MAX_READ_COUNT,
    MAX_TITLE,
    READ_COUNT,
    ArticleFileError,
    parse_article,
    read_article_file,
)


def test_seed_parses_into_title_questions_and_read_count(seed_path):
    """The seed's title, six questions (one unanswered), no conditions, its read count, and
    the trailing "yodax" line it cannot place."""
    parsed = parse_article(read_article_file(seed_path, 1_000_000))

    assert parsed.title == "Intramuscular Stimulation, Dry Needle Therapy"
    assert [q.question for q in parsed.questions] == [
        "What is IMS (Intramuscular Stimulation, Dry Needle Therapy)?",
        "What are the characteristics of the shortened muscle?",
        "Is dry needle (IMS) treatment an acupuncture method?",
        "What should be the frequency of application of dry needle therapy (IMS)?",
        "In which cases is dry needle (IMS) treatment used? How can it be?",
        "What is the effect of the spasm in the muscles around the spine on the disc and nerves?",
    ]
    assert [len(q.answer) for q in parsed.questions] == [2, 1, 1, 1, 0, 1]
    assert parsed.unanswered == [
        "In which cases is dry needle (IMS) treatment used? How can it be?"
    ]
    assert parsed.summary == []
    assert parsed.conditions == []
    assert parsed.read_count == 0
    assert parsed.unplaced == ["yodax"]


def test_conditions_follow_their_heading_and_stop_at_read_count():
    """Lines under "Diseases We Treat" become conditions; bullets are stripped; a name listed
    twice, in any letter case, is one condition; a bare bullet is left for the editors."""
    parsed = parse_article(
        "Title\n\nWhat?\n\nAn answer.\n\nDiseases We Treat\n\n- Low back pain\n• Neck pain\n"
        "腰痛\nБоль в спине\nneck PAIN\n-\n\nRead: 1,204\n"
    )

    assert parsed.conditions == ["Low back pain", "Neck pain", "腰痛", "Боль в спине"]
    assert parsed.unplaced == ["-"]
    assert parsed.read_count == 1204


def test_text_before_the_first_question_is_the_summary():
    """Paragraphs between the title and the first question are the summary."""
    parsed = parse_article("Title\r\n\r\nIntro one.\r\nIntro two.\r\n\r\nWhy?\r\nBecause.\r\n")

    assert parsed.summary == ["Intro one.", "Intro two."]
    assert parsed.questions[0].answer == ["Because."]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("T" * 256, "line 1: the title has 256 characters, over the 255-character limit"),
        (
            "Title\n\n" + "W" * 255 + "?\n",
            "line 3: a question has 256 characters, over the 255-character limit",
        ),
        (
            "Title\nDiseases We Treat\n" + "n" * 255 + "a\n" + "n" * 255 + "b\n",
            "line 3: a condition name has 256 characters, over the 255-character limit",
        ),
        ("Title\nRead: 99999999999999999999999\n", '"Read:" count is over the'),
        ("Title\nRead: " + "9" * 5000 + "\n", 'line 2: "Read:" count is over the'),
        (f"Title\nRead: {MAX_READ_COUNT + 1}\n", '"Read:" count is over the'),
        ("Title\nRead: 1\nRead: 2\n", 'line 3: a second "Read:" line (the first is line 2)'),
        ("Title\x00\n", "NUL character"),
        ("Title \ud800\n", "not valid Unicode"),
        ("\n \t\n\u2028", "empty article"),
    ],
)
def test_every_bound_is_refused_in_one_line_naming_the_line(text, message):
    """Over-long titles, questions and condition names (two that share their first 255
    characters included), huge read counts, a second read line: one clear line each."""
    with pytest.raises(ArticleFileError) as refused:
        parse_article(text)

    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_limits_are_the_model_fields_limits():
    """The parser refuses exactly what the database could not store."""
    question = QuestionBlock().child_blocks["question"]

    assert MAX_TITLE == TreatmentPage._meta.get_field("title").max_length
    assert MAX_CONDITION == Condition._meta.get_field("name").max_length
    assert MAX_QUESTION == question.field.max_length
    assert parse_article("T" * 255).title == "T" * 255
    assert parse_article(f"T\nRead: {MAX_READ_COUNT}").read_count == MAX_READ_COUNT


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"  \n\n \t\n", "empty file"),
        (b"Title\x00\x01\x02", "binary file"),
        ("Başlık ve ağrı".encode("latin-1", errors="replace") + b"\xff", "not UTF-8"),
        (b"x" * 101, "101 bytes is over the 100-byte limit"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(tmp_path, content, message):
    """Empty, binary, non-UTF-8 and oversized files raise an error that names the problem."""
    path = tmp_path / "article.txt"
    path.write_bytes(content)

    with pytest.raises(ArticleFileError, match=message):
        read_article_file(path, 100)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ArticleFileError, match="no such file"):
        read_article_file(tmp_path / "missing.txt", 100)


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(ArticleFileError, match=r"not a regular file \(a directory\)"):
        read_article_file(tmp_path, 100)


def test_a_symbolic_link_is_refused_even_to_a_readable_file(tmp_path):
    """A link to /etc/passwd (or to a good article) is never followed."""
    good = tmp_path / "good.txt"
    good.write_text("Title\n")
    for target in ("/etc/passwd", good):
        link = tmp_path / f"link-{len(str(target))}.txt"
        link.symlink_to(target)

        with pytest.raises(ArticleFileError, match="a symbolic link, expected a regular file"):
            read_article_file(link, 100_000)


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)

    with pytest.raises(ArticleFileError, match="not a regular file"):
        read_article_file(pipe, 100)


# Lines that steer the parser, mixed with arbitrary text, so the fuzzing reaches every state.
STEERING = st.sampled_from(
    [
        "Diseases We Treat",
        "conditions treated",
        "Read: 12",
        "read : 1,204",
        "Read: 99999999999999999999",
        "- Neck pain",
        "• 腰痛",
        "-",
        "What is it?",
        "Боль в спине?",
        "?",
        "An answer.",
        "x" * 256,
        "x" * 255 + "?",
    ]
)
LINE = st.one_of(STEERING, st.text(max_size=40))
SEPARATOR = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\u2028", "\x0c"])


@st.composite
def article_texts(draw) -> str:
    lines = draw(st.lists(LINE, max_size=25))
    separators = draw(st.lists(SEPARATOR, min_size=len(lines), max_size=len(lines)))
    return "".join(line + sep for line, sep in zip(lines, separators, strict=True))


def placed_somewhere(line: str, parsed) -> bool:
    answers = [paragraph for q in parsed.questions for paragraph in q.answer]
    conditions = {name.casefold() for name in parsed.conditions}
    return (
        line in {parsed.title, *parsed.summary, *answers, *parsed.unplaced}
        or line in {q.question for q in parsed.questions}
        or line.casefold() in CONDITIONS_HEADINGS
        or bool(READ_COUNT.match(line))
        or BULLET.sub("", line).casefold() in conditions
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(article_texts(), st.text()))
def test_fuzzed_text_parses_within_bounds_or_is_refused_in_one_line(text):
    """Any text: a one-line ArticleFileError, or an article that fits every column and keeps
    every line somewhere (title, summary, question, answer, condition, or the review list)."""
    try:
        parsed = parse_article(text)
    except ArticleFileError as error:
        assert str(error) and "\n" not in str(error) and "\r" not in str(error)
        return

    assert 0 < len(parsed.title) <= MAX_TITLE
    assert all(0 < len(q.question) <= MAX_QUESTION for q in parsed.questions)
    assert all(q.question.endswith("?") for q in parsed.questions)
    assert all(0 < len(name) <= MAX_CONDITION for name in parsed.conditions)
    assert len({name.casefold() for name in parsed.conditions}) == len(parsed.conditions)
    assert parsed.read_count is None or 0 <= parsed.read_count <= MAX_READ_COUNT
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert [line for line in lines if not placed_somewhere(line, parsed)] == []


LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
ONE_LINE = st.text(
    alphabet=st.characters(exclude_characters=LINE_BREAKS + "\x00", exclude_categories=["Cs"]),
    min_size=1,
    max_size=50,
).map(str.strip)


@settings(max_examples=200, deadline=None)
@given(
    title=ONE_LINE.filter(bool),
    questions=st.lists(
        st.tuples(
            ONE_LINE.map(lambda text: text + "?"),
            st.lists(st.sampled_from(["First.", "Боль — второй.", "腰痛です。"]), max_size=3),
        ),
        max_size=4,
    ),
    conditions=st.lists(
        st.sampled_from(["Neck pain", "腰痛", "Боль в спине", "Ağrı"]), unique=True
    ),
    reads=st.one_of(st.none(), st.integers(0, MAX_READ_COUNT)),
)
def test_written_articles_read_back_as_written(title, questions, conditions, reads):
    """An article written in the shape, in any script, parses back into the same parts."""
    lines = [title, ""]
    for question, answer in questions:
        lines += [question, *answer, ""]
    lines += ["Diseases We Treat", *conditions]
    if reads is not None:
        lines.append(f"Read: {reads:,}")
    parsed = parse_article("\n".join(lines))

    assert parsed.title == title
    assert [(q.question, q.answer) for q in parsed.questions] == [
        (q, list(a)) for q, a in questions
    ]
    assert parsed.conditions == conditions
    assert parsed.read_count == reads
    assert parsed.unplaced == []
