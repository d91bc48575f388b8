"""The import_article command as an operator runs it: what the seed becomes, which files and
bounds are refused, exit status and messages."""

import re
from unittest import mock

import pytest
from django.core.management import CommandError, ManagementUtility

from tests.treatments.importing import SEED_TITLE, import_files, published_text, refused, write
from treatments.models import Condition, ImportedArticle, ReadTotal, TreatmentPage

# Structure lines the importer turns into fields rather than prose (checked separately).
STRUCTURE_LINES = {"Diseases We Treat", "Read: 0"}
# The seed's last line, which belongs nowhere: kept for editors, never published.
UNPLACED = "yodax"


def seed_sentences(path):
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and line not in STRUCTURE_LINES:
            yield from (s for s in re.split(r"(?<=[.?!])\s+", line) if s)


@pytest.mark.django_db
def test_seed_import_keeps_every_sentence(seed_path):
    """Every sentence of the seed is in the published article, except the line it cannot
    place, which is in the editors' notes and nowhere a partner can see."""
    import_files(seed_path)

    page = TreatmentPage.objects.live().get(title=SEED_TITLE)
    text = published_text(page)
    sentences = list(seed_sentences(seed_path))
    assert len(sentences) > 30
    for sentence in sentences:
        if sentence == UNPLACED:
            assert UNPLACED not in text
            assert f"Line not placed: {UNPLACED} (not published" in page.editor_notes
        else:
            assert re.sub(r"\s+", " ", sentence) in text, sentence


@pytest.mark.django_db
def test_seed_import_structures_questions_conditions_and_read_count(seed_path):
    """Questions become question blocks; the unanswered one and the unplaced line are listed
    for the editors; "Read: 0" the starting total."""
    out, _ = import_files(seed_path)

    page = TreatmentPage.objects.get(title=SEED_TITLE)
    assert [b.block_type for b in page.body] == ["question"] * 6
    questions = [b.value for b in page.body]
    assert questions[2]["question"] == "Is dry needle (IMS) treatment an acupuncture method?"
    assert "completely different treatment method from acupuncture" in questions[2]["answer"].source
    unanswered = [q["question"] for q in questions if not q["answer"].source]
    assert unanswered == ["In which cases is dry needle (IMS) treatment used? How can it be?"]
    assert page.editor_notes.splitlines() == [
        "Unanswered question: In which cases is dry needle (IMS) treatment used? How can it be? "
        "(partners do not see it until it has an answer)",
        "Line not placed: yodax (not published; add it where it belongs, or leave it out)",
    ]
    assert "  note: Unanswered question: In which cases" in out
    assert "  note: Line not placed: yodax" in out
    assert list(page.conditions.all()) == []
    assert ReadTotal.objects.get(page=page).count == 0
    assert page.get_parent().specific_class.__name__ == "TreatmentLibraryPage"
    assert page.slug == "intramuscular-stimulation-dry-needle-therapy"


@pytest.mark.django_db
def test_a_symbolic_link_is_refused_and_nothing_is_published(tmp_path):
    link = tmp_path / "passwd.txt"
    link.symlink_to("/etc/passwd")

    err = refused(link)

    assert err == f"error: {link}: a symbolic link, expected a regular file\n"
    assert not TreatmentPage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Title\nRead: 99999999999999999999999\n", 'line 2: "Read:" count is over the'),
        ("T" * 300 + "\n", "line 1: the title has 300 characters"),
        (
            "Title\nDiseases We Treat\n" + "n" * 255 + "-one\n" + "n" * 255 + "-two\n",
            "line 3: a condition name has 259 characters, over the 255-character limit",
        ),
    ],
)
def test_bounds_are_refused_in_one_line_and_write_nothing(tmp_path, text, message):
    err = refused(write(tmp_path, "bad.txt", text))

    assert message in err and err.count("\n") == 1
    assert not TreatmentPage.objects.exists() and not Condition.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty file"), (b"\x00\x01", "binary file"), (b"T\xff\xfe", "not UTF-8")],
)
def test_bad_file_exits_non_zero_with_one_line_and_writes_nothing(tmp_path, content, message):
    """A bad file is named on stderr, the command fails, and no page is written."""
    path = tmp_path / "bad.txt"
    path.write_bytes(content)

    err = refused(path)

    assert err.startswith(f"error: {path}: {message}") and err.count("\n") == 1
    assert not TreatmentPage.objects.exists()


@pytest.mark.django_db
def test_oversized_and_missing_files_are_refused(tmp_path, settings):
    settings.IMPORT_ARTICLE_MAX_BYTES = 10
    big = write(tmp_path, "big.txt", "A title that is too long\n")

    err = refused(big, tmp_path / "none.txt", match="2 of 2")

    assert err.splitlines() == [
        f"error: {big}: 25 bytes is over the 10-byte limit",
        f"error: {tmp_path / 'none.txt'}: no such file",
    ]
    assert not TreatmentPage.objects.exists()


@pytest.mark.django_db
def test_good_files_are_imported_even_when_another_fails(seed_path, tmp_path):
    refused(seed_path, tmp_path / "missing.txt", match="1 of 2")

    assert TreatmentPage.objects.filter(title=SEED_TITLE).exists()


@pytest.mark.django_db
def test_failure_mid_import_leaves_nothing_half_written(seed_path):
    """One transaction per file: a crash after the page is created rolls it back."""
    with (
        mock.patch("treatments.services.set_imported_read_count", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        import_files(seed_path)

    assert not TreatmentPage.objects.exists()
    assert not ReadTotal.objects.exists()
    assert not ImportedArticle.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999", "99999999999999999999999", "-1", "abc", "٣"])
def test_unknown_parent_is_refused(seed_path, value):
    with pytest.raises(CommandError, match=f"--parent {re.escape(value)}|--parent '{value}'"):
        import_files(seed_path, parent=value)


@pytest.mark.django_db
def test_the_command_exits_non_zero_with_one_line_per_bad_file(tmp_path, capsys):
    """As an operator runs it (manage.py's own entry point): exit status 1, one line per
    refused file, no traceback."""
    link = tmp_path / "link.txt"
    link.symlink_to("/etc/passwd")
    huge = write(tmp_path, "huge.txt", "Title\nRead: 99999999999999999999999\n")

    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_article", str(link), str(huge)]).execute()

    assert exited.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {link}: a symbolic link, expected a regular file",
        f'error: {huge}: line 2: "Read:" count is over the 1000000000000 limit',
        "CommandError: 2 of 2 file(s) not imported",
    ]
