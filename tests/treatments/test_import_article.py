import re
from html import unescape
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils.html import strip_tags

from treatments.models import ReadTotal, TreatmentPage

SEED_TITLE = "Intramuscular Stimulation, Dry Needle Therapy"
# Structure lines the importer turns into fields rather than prose (checked separately).
STRUCTURE_LINES = {"Diseases We Treat", "Read: 0"}


def seed_sentences(path):
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and line not in STRUCTURE_LINES:
            yield from (s for s in re.split(r"(?<=[.?!])\s+", line) if s)


def stored_text(page: TreatmentPage) -> str:
    parts = [page.title, page.summary]
    for block in page.body:
        if block.block_type == "question":
            parts += [block.value["question"], block.value["answer"].source]
        else:
            parts.append(block.value.source)
    text = unescape(strip_tags(" ".join(parts)))
    return re.sub(r"\s+", " ", text)


def import_files(*paths):
    out, err = StringIO(), StringIO()
    call_command("import_article", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_seed_import_keeps_every_sentence(seed_path):
    """Every sentence of the seed is in the stored, published article."""
    import_files(seed_path)

    page = TreatmentPage.objects.live().get(title=SEED_TITLE)
    text = stored_text(page)
    sentences = list(seed_sentences(seed_path))
    assert len(sentences) > 30
    for sentence in sentences:
        assert re.sub(r"\s+", " ", sentence) in text, sentence


@pytest.mark.django_db
def test_seed_import_structures_questions_conditions_and_read_count(seed_path):
    """Questions become question blocks, the empty one flagged; "Read: 0" the starting total."""
    out, _ = import_files(seed_path)

    page = TreatmentPage.objects.get(title=SEED_TITLE)
    questions = [b.value for b in page.body if b.block_type == "question"]
    assert len(questions) == 6
    assert questions[2]["question"] == "Is dry needle (IMS) treatment an acupuncture method?"
    assert "completely different treatment method from acupuncture" in questions[2]["answer"].source
    unanswered = [q["question"] for q in questions if not q["answer"].source]
    assert unanswered == ["In which cases is dry needle (IMS) treatment used? How can it be?"]
    assert "Unanswered question: In which cases" in page.editor_notes
    assert "Unanswered question: In which cases" in out
    assert [b.value.source for b in page.body if b.block_type == "paragraph"] == ["<p>yodax</p>"]
    assert list(page.conditions.all()) == []
    assert ReadTotal.objects.get(page=page).count == 0
    assert page.get_parent().specific_class.__name__ == "TreatmentLibraryPage"


@pytest.mark.django_db
def test_reimport_updates_the_article_instead_of_duplicating(seed_path, tmp_path):
    """The same file imported twice leaves one article, updated by a new revision."""
    import_files(seed_path)
    page = TreatmentPage.objects.get(title=SEED_TITLE)
    edited = tmp_path / "edited.txt"
    edited.write_text(
        seed_path.read_text().replace("Read: 0", "Read: 1,204") + "\nA new closing line.\n"
    )

    out, _ = import_files(edited)

    assert "updated article" in out
    assert TreatmentPage.objects.filter(title=SEED_TITLE).count() == 1
    page.refresh_from_db()
    assert page.revisions.count() == 2
    assert "A new closing line." in stored_text(page)
    assert ReadTotal.objects.get(page=page).count == 1204


@pytest.mark.django_db
def test_reimport_keeps_reads_counted_since_the_import(seed_path, tmp_path):
    """A new "Read: N" replaces the imported part of the total, not reads counted since."""
    import_files(seed_path)
    page = TreatmentPage.objects.get(title=SEED_TITLE)
    ReadTotal.objects.filter(page=page).update(count=5)  # five reads since the import
    edited = tmp_path / "edited.txt"
    edited.write_text(seed_path.read_text().replace("Read: 0", "Read: 100"))

    import_files(edited)

    assert ReadTotal.objects.get(page=page).count == 105


@pytest.mark.django_db
def test_conditions_are_shared_records(tmp_path):
    """Two articles naming the same condition share one Condition record."""
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(
            f"Article {name}\n\nWhat?\nThis.\n\nDiseases We Treat\n\nFrozen shoulder\nNeck pain\n"
        )

    import_files(tmp_path / "a.txt", tmp_path / "b.txt")

    a, b = TreatmentPage.objects.order_by("title")
    assert [c.name for c in a.conditions.all()] == ["Frozen shoulder", "Neck pain"]
    assert set(a.conditions.all()) == set(b.conditions.all())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty file"), (b"\x00\x01", "binary file"), (b"T\xff\xfe", "not UTF-8")],
)
def test_bad_file_exits_non_zero_with_one_line_and_writes_nothing(tmp_path, content, message):
    """A bad file is named on stderr, the command fails, and no page is written."""
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    pages_before = TreatmentPage.objects.count()

    with pytest.raises(CommandError, match="1 of 1 file"):
        import_files(path)

    assert TreatmentPage.objects.count() == pages_before


@pytest.mark.django_db
def test_oversized_and_missing_files_are_refused(tmp_path, settings):
    settings.IMPORT_ARTICLE_MAX_BYTES = 10
    big = tmp_path / "big.txt"
    big.write_text("A title that is too long\n")
    err = StringIO()

    with pytest.raises(CommandError, match="2 of 2"):
        call_command("import_article", str(big), str(tmp_path / "none.txt"), stderr=err)

    assert "over the 10-byte limit" in err.getvalue()
    assert "no such file" in err.getvalue()
    assert not TreatmentPage.objects.exists()


@pytest.mark.django_db
def test_good_files_are_imported_even_when_another_fails(seed_path, tmp_path):
    with pytest.raises(CommandError):
        import_files(seed_path, tmp_path / "missing.txt")

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


@pytest.mark.django_db
def test_unknown_parent_is_refused(seed_path):
    with pytest.raises(CommandError, match="--parent 99999"):
        call_command("import_article", str(seed_path), "--parent", "99999")
