"""StreamField blocks of a treatment article, each owning its API shape."""

from html import unescape

from django.utils.html import strip_tags
from wagtail import blocks


def has_text(html: str) -> bool:
    """Whether rich text says anything: "<p></p>", "<p>&nbsp;</p>" and whitespace do not."""
    return bool(unescape(strip_tags(html)).strip())


class QuestionBlock(blocks.StructBlock):
    """A question and its answer, as clinics write articles."""

    question = blocks.CharBlock(max_length=255)
    # Optional: real articles leave questions unanswered; keep them for the editor to answer.
    answer = blocks.RichTextBlock(
        required=False,
        features=["bold", "italic", "link", "ul", "ol"],
        help_text="Left empty, the question stays here for editors but partners do not see it.",
    )

    class Meta:
        icon = "help"
        label_format = "{question}"
        preview_value = {
            "question": "Is IMS an acupuncture method?",
            "answer": "<p>The needles are similar, but the method is different.</p>",
        }

    @staticmethod
    def is_answered(value) -> bool:
        return bool(value["answer"]) and has_text(value["answer"].source)

    def get_api_representation(self, value, context=None):
        """``{"question": "...?", "answer": "<p>...</p>", "answered": true}``.

        ``answered`` is always true in the API now (unanswered questions are left out, see
        TreatmentStreamBlock); it stays so partners reading it keep working.
        """
        data = super().get_api_representation(value, context)
        data["answered"] = self.is_answered(value)
        return data


class TreatmentStreamBlock(blocks.StreamBlock):
    question = QuestionBlock()
    # Prose outside any question, such as an introduction.
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ul", "ol"],
        icon="pilcrow",
        preview_value="<p>Dry needle therapy is also known as intramuscular stimulation.</p>",
    )

    def get_api_representation(self, value, context=None):
        """The sections partners may show: a question without an answer is an editor's to-do
        (an imported article's open question), so it is left out until someone answers it.
        Listings and details both serialize the body here, so they always agree."""
        represented = super().get_api_representation(value, context)
        return [
            item
            for child, item in zip(value or [], represented, strict=True)
            if child.block_type != "question" or QuestionBlock.is_answered(child.value)
        ]
