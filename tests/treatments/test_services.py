"""import_article's writes: one record per condition and article in any script, and
re-imports that update what came from the file and never an editor's work."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from tests.treatments.importing import SEED_TITLE, import_files, published_text, refused, write
from treatments.models import Condition, ImportedArticle, ReadTotal, TreatmentPage
from treatments.plaintext import ParsedArticle
from treatments.services import import_article
from treatments.slugs import name_hash


@pytest.mark.django_db
def test_reimport_updates_the_article_instead_of_duplicating(seed_path, tmp_path):
    """The same file imported twice leaves one article, updated by a new revision."""
    import_files(seed_path)
    page = TreatmentPage.objects.get(title=SEED_TITLE)
    edited = write(
        tmp_path,
        "edited.txt",
        seed_path.read_text()
        .replace("Read: 0", "Read: 1,204")
        .replace("How can it be?\n", "How can it be?\nFor back, neck and shoulder pain.\n"),
    )

    out, _ = import_files(edited)

    assert "updated article" in out
    assert TreatmentPage.objects.filter(title=SEED_TITLE).count() == 1
    page.refresh_from_db()
    assert page.revisions.count() == 2
    assert "For back, neck and shoulder pain." in published_text(page)
    assert "Unanswered question" not in page.editor_notes
    assert ReadTotal.objects.get(page=page).count == 1204


@pytest.mark.django_db
def test_reimport_keeps_reads_counted_since_the_import(seed_path, tmp_path):
    """A new "Read: N" replaces the imported part of the total, not reads counted since."""
    import_files(seed_path)
    page = TreatmentPage.objects.get(title=SEED_TITLE)
    ReadTotal.objects.filter(page=page).update(count=5)  # five reads since the import
    edited = write(tmp_path, "edited.txt", seed_path.read_text().replace("Read: 0", "Read: 100"))

    import_files(edited)

    assert ReadTotal.objects.get(page=page).count == 105


@pytest.mark.django_db
def test_conditions_are_shared_records_in_any_script(tmp_path):
    """Two articles naming the same conditions share the records; "腰痛", "腰桶" (both read
    "yaotong") and "Боль в спине" are three conditions with three slugs, none empty."""
    names = "Frozen shoulder\n腰痛\n腰桶\nБоль в спине\n"
    for name in ("a", "b"):
        write(
            tmp_path, f"{name}.txt", f"Article {name}\n\nWhat?\nThis.\n\nDiseases We Treat\n{names}"
        )

    import_files(tmp_path / "a.txt", tmp_path / "b.txt")

    a, b = TreatmentPage.objects.order_by("title")
    assert [(c.name, c.slug) for c in a.conditions.order_by("pk")] == [
        ("Frozen shoulder", "frozen-shoulder"),
        ("腰痛", "yaotong"),
        ("腰桶", f"yaotong-{name_hash('腰桶')}"),
        ("Боль в спине", "bol-v-spine"),
    ]
    assert set(a.conditions.all()) == set(b.conditions.all())
    assert Condition.objects.count() == 4


@pytest.mark.django_db
def test_a_condition_named_in_another_letter_case_is_the_existing_one(tmp_path):
    """Even when editors made two records that differ only in case, the older one is used."""
    older = Condition.objects.create(name="Neck pain")
    Condition.objects.create(name="neck pain")
    write(tmp_path, "a.txt", "Article\n\nWhat?\nThis.\n\nDiseases We Treat\nNECK PAIN\n")

    import_files(tmp_path / "a.txt")

    assert list(TreatmentPage.objects.get().conditions.all()) == [older]
    assert Condition.objects.count() == 2


@pytest.mark.django_db
def test_titles_in_any_script_make_distinct_articles(tmp_path):
    """Two titles that transliterate alike are two articles, never one overwritten."""
    write(tmp_path, "a.txt", "腰痛\n\nWhat?\nOne.\n")
    write(tmp_path, "b.txt", "腰桶\n\nWhat?\nTwo.\n")
    write(tmp_path, "c.txt", "???\n\nWhat?\nThree.\n")

    import_files(*(tmp_path / f"{n}.txt" for n in "abc"))

    slugs = dict(TreatmentPage.objects.values_list("title", "slug"))
    assert slugs == {
        "腰痛": "yaotong",
        "腰桶": f"yaotong-{name_hash('腰桶')}",
        "???": f"article-{name_hash('???')}",
    }


@pytest.mark.django_db
def test_reimport_refuses_to_publish_over_an_editors_draft(seed_path):
    """A pending draft is neither published nor overwritten: the import is refused."""
    import_files(seed_path)
    page = TreatmentPage.objects.get(title=SEED_TITLE)
    page.summary = "A draft the editor has not published yet."
    page.save_revision()

    err = refused(seed_path)

    assert err.count("\n") == 1
    assert "has a draft or a change in moderation not yet published" in err
    page.refresh_from_db()
    assert page.summary == ""  # the live article is untouched
    assert (
        page.get_latest_revision_as_object().summary == "A draft the editor has not published yet."
    )
    assert page.revisions.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda page: setattr(page, "title", "IMS"), "editors changed its title since"),
        (lambda page: setattr(page, "editor_notes", ""), "editors changed its editor_notes"),
        (
            lambda page: page.body.__setitem__(
                4, ("question", {"question": page.body[4].value["question"], "answer": "<p>Hi</p>"})
            ),
            "editors changed its body since the last import",
        ),
    ],
)
def test_reimport_refuses_to_overwrite_what_editors_published(seed_path, edit, message):
    """An editor answered a question, renamed the article, resolved a note: the file would
    undo it, so the import is refused and the article stays as the editor made it."""
    import_files(seed_path)
    page = TreatmentPage.objects.get(title=SEED_TITLE)
    edit(page)
    page.save_revision().publish()

    err = refused(seed_path)

    assert message in err and err.count("\n") == 1
    assert TreatmentPage.objects.get(pk=page.pk).revisions.count() == 2


@pytest.mark.django_db
def test_reimport_still_updates_an_article_an_editor_only_saved_in_the_admin(seed_path):
    """Publishing from the admin rewrites every answer through the rich-text editor (block
    keys, an empty answer becomes an empty paragraph) and changes nothing an editor wrote:
    that is no edit, and the re-import goes ahead."""
    import_files(seed_path)
    page = TreatmentPage.objects.get(title=SEED_TITLE)
    draftail = ContentstateConverter(features=["bold", "italic", "link", "ul", "ol"])
    for index, block in enumerate(page.body):
        answer = draftail.to_database_format(
            draftail.from_database_format(block.value["answer"].source)
        )
        page.body[index] = ("question", {"question": block.value["question"], "answer": answer})
    page.summary = "Written in the admin."
    page.save_revision().publish()
    saved = TreatmentPage.objects.get(pk=page.pk).body
    assert saved[0].value["answer"].source.startswith('<p data-block-key="')
    assert saved[4].value["answer"].source.startswith('<p data-block-key="')  # the empty one

    out, _ = import_files(seed_path)

    assert "updated article" in out
    page.refresh_from_db()
    assert page.summary == "Written in the admin."


@pytest.mark.django_db
def test_reimport_refuses_an_unpublished_or_locked_article(seed_path):
    import_files(seed_path)
    page = TreatmentPage.objects.get(title=SEED_TITLE)
    page.unpublish()

    assert "was unpublished in the admin" in refused(seed_path)
    page.refresh_from_db()
    assert not page.live
    page.save_revision().publish()
    page.locked = True
    page.save()

    assert "is locked in the admin" in refused(seed_path)


@pytest.mark.django_db
def test_reimport_keeps_what_editors_added_at_the_library_and_every_branch(
    seed_path, tmp_path, north, south, offer
):
    """Conditions, other names and guidance an editor added survive a re-import, on the
    original and on each branch's alias; the file's new condition is added beside them."""
    import_files(seed_path)
    page = TreatmentPage.objects.get(title=SEED_TITLE)
    aliases = [offer(page, branch.index) for branch in (north, south)]
    shoulder = Condition.objects.create(name="Frozen shoulder")
    page.conditions.add(shoulder)
    page.other_names.create(name="IMS")
    page.session_guidance.create(condition="Lower back pain", min_sessions=6, max_sessions=8)
    page.save_revision().publish()
    edited = write(
        tmp_path,
        "edited.txt",
        seed_path.read_text().replace("Diseases We Treat", "Diseases We Treat\nNeck pain"),
    )

    import_files(edited)

    for shown in [page, *aliases]:
        shown = TreatmentPage.objects.get(pk=shown.pk)
        assert [c.name for c in shown.conditions.all()] == ["Frozen shoulder", "Neck pain"]
        assert [n.name for n in shown.other_names.all()] == ["IMS"]
        assert [g.condition for g in shown.session_guidance.all()] == ["Lower back pain"]


@pytest.mark.django_db
def test_an_article_no_import_made_is_never_taken_over(library, tmp_path):
    """An editor's article with the file's title is refused, not overwritten or adopted."""
    from tests.factories import TreatmentPageFactory

    own = TreatmentPageFactory(parent=library, title="Massage", slug="massage", summary="Mine.")

    err = refused(write(tmp_path, "massage.txt", "Massage\n\nWhat?\nTheirs.\n"))

    assert f'article {own.pk} "Massage" already exists and was not made by importing' in err
    own.refresh_from_db()
    assert own.summary == "Mine." and not ImportedArticle.objects.exists()


NAMES = st.text(
    alphabet=st.sampled_from("腰痛桶背部Боль в спинеAğrıÇ-?!. 12"), min_size=1, max_size=12
).map(str.strip)


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=NAMES.filter(bool), names=st.lists(NAMES.filter(bool), max_size=6))
def test_fuzzed_names_never_collapse_into_one_record(library, title, names):
    """Any titles and condition names (scripts mixed, punctuation only, alike when
    transliterated): one condition per name, every slug non-empty and its own."""
    with transaction.atomic():
        page, _ = import_article(ParsedArticle(title=title, conditions=names), library)

        distinct = {name.casefold() for name in names}
        slugs = list(Condition.objects.values_list("slug", flat=True))
        assert page.conditions.count() == Condition.objects.count() == len(distinct)
        assert all(slugs) and len(set(slugs)) == len(slugs)
        assert page.slug and page.title == title
        transaction.set_rollback(True)
