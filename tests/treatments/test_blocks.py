import pytest

from cms.demo import load_seed_article
from tests.factories import TreatmentPageFactory

UNANSWERED = "In which cases is dry needle (IMS) treatment used? How can it be?"


@pytest.mark.django_db
def test_unanswered_questions_are_left_out_of_the_api_representation(library):
    """Empty, blank or whitespace-only answers are not answers; paragraphs stay in order."""
    page = TreatmentPageFactory(
        parent=library,
        body=[
            ("paragraph", "<p>Intro.</p>"),
            ("question", {"question": "Answered?", "answer": "<p>Yes.</p>"}),
            ("question", {"question": "Empty?", "answer": ""}),
            ("question", {"question": "Blank paragraph?", "answer": "<p></p>"}),
            ("question", {"question": "Only a space?", "answer": "<p>&nbsp; </p>"}),
            # What the admin's rich-text editor saves for an answer left empty.
            ("question", {"question": "Saved empty?", "answer": '<p data-block-key="x1"></p>'}),
            ("question", {"question": "Bold answer?", "answer": "<p><b>Yes</b></p>"}),
        ],
    )

    data = page.body.stream_block.get_api_representation(page.body)

    assert [(b["type"], b["value"]) for b in data] == [
        ("paragraph", "<p>Intro.</p>"),
        ("question", {"question": "Answered?", "answer": "<p>Yes.</p>", "answered": True}),
        ("question", {"question": "Bold answer?", "answer": "<p><b>Yes</b></p>", "answered": True}),
    ]
    assert [b["id"] for b in data] == [page.body[i].id for i in (0, 1, 6)]
    assert len(page.body) == 7  # editors still see every question


@pytest.mark.django_db
def test_partners_see_no_open_question_or_unplaced_line_until_an_editor_answers(
    client, library, north, offer, empty_cache
):
    """Listing and detail agree: the seed's open question and its "yodax" line are in
    neither; once an editor answers the question, both show it."""
    article, _ = load_seed_article()
    alias = offer(article, north.index)
    listing = "/api/v2/pages/?clinic=north&type=treatments.TreatmentPage&fields=body"
    detail = f"/api/v2/pages/{alias.pk}/?clinic=north"

    def bodies():
        listed = client.get(listing).json()["items"][0]["body"]
        shown = client.get(detail).json()["body"]
        assert listed == shown
        return shown

    before = bodies()
    assert len(before) == 5
    assert UNANSWERED not in str(before) and "yodax" not in str(before)

    index = next(i for i, b in enumerate(article.body) if b.value["question"] == UNANSWERED)
    article.body[index] = ("question", {"question": UNANSWERED, "answer": "<p>Back pain.</p>"})
    article.save_revision().publish()

    after = bodies()
    assert [b["value"]["question"] for b in after][index] == UNANSWERED
    assert after[index]["value"]["answer"] == "<p>Back pain.</p>"
    assert "yodax" not in str(after)
