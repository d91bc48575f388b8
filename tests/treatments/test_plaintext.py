import pytest

from treatments.plaintext import ArticleFileError, parse_article, read_article_file


def test_seed_parses_into_title_questions_and_read_count(seed_path):
    """The seed's title, seven questions (one unanswered), empty conditions and read count."""
    parsed = parse_article(read_article_file(seed_path, 1_000_000))

    assert parsed.title == "Intramuscular Stimulation, Dry Needle Therapy"
    questions = [q for kind, q in parsed.body if kind == "question"]
    assert [q.question for q in questions] == [
        "What is IMS (Intramuscular Stimulation, Dry Needle Therapy)?",
        "What are the characteristics of the shortened muscle?",
        "Is dry needle (IMS) treatment an acupuncture method?",
        "What should be the frequency of application of dry needle therapy (IMS)?",
        "In which cases is dry needle (IMS) treatment used? How can it be?",
        "What is the effect of the spasm in the muscles around the spine on the disc and nerves?",
    ]
    assert [len(q.answer) for q in questions] == [2, 1, 1, 1, 0, 1]
    assert parsed.unanswered == [
        "In which cases is dry needle (IMS) treatment used? How can it be?"
    ]
    assert parsed.conditions == []
    assert parsed.read_count == 0
    assert parsed.unplaced == ["yodax"]


def test_conditions_follow_their_heading_and_stop_at_read_count():
    """Lines under "Diseases We Treat" become conditions; bullets are stripped."""
    parsed = parse_article(
        "Title\n\nWhat?\n\nAn answer.\n\nDiseases We Treat\n\n- Low back pain\n• Neck pain\n\n"
        "Read: 1,204\n"
    )

    assert parsed.conditions == ["Low back pain", "Neck pain"]
    assert parsed.read_count == 1204


def test_text_before_the_first_question_is_the_summary():
    """Paragraphs between the title and the first question are the summary."""
    parsed = parse_article("Title\r\n\r\nIntro one.\r\nIntro two.\r\n\r\nWhy?\r\nBecause.\r\n")

    assert parsed.summary == ["Intro one.", "Intro two."]
    assert parsed.body[0][1].answer == ["Because."]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"  \n\n \t\n", "empty file"),
        (b"Title\x00\x01\x02", "binary file"),
        ("Başlık ve ağrı".encode("latin-1", errors="replace") + b"\xff", "not UTF-8"),
        (b"x" * 101, "over the 100-byte limit"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(tmp_path, content, message):
    """Empty, binary, non-UTF-8 and oversized files raise an error that names the problem."""
    path = tmp_path / "article.txt"
    path.write_bytes(content)

    with pytest.raises(ArticleFileError, match=message):
        read_article_file(path, 100)


def test_missing_file_is_refused(tmp_path):
    """A path that does not exist is named in the error."""
    with pytest.raises(ArticleFileError, match="no such file"):
        read_article_file(tmp_path / "missing.txt", 100)


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(ArticleFileError, match="not a regular file"):
        read_article_file(tmp_path, 100)
