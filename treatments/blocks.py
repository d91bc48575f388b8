"""StreamField blocks of a treatment article, each owning its API shape."""

from wagtail import blocks


class QuestionBlock(blocks.StructBlock):
    """A question and its answer, as clinics write articles."""

    question = blocks.CharBlock(max_length=255)
    # Optional: real articles leave questions unanswered; keep them, flagged for the editor.
    answer = blocks.RichTextBlock(
        required=False,
        features=["bold", "italic", "link", "ul", "ol"],
        help_text="Left empty, the question is flagged as unanswered.",
    )

    class Meta:
        icon = "help"
        label_format = "{question}"
        preview_value = {
            "question": "Is IMS an acupuncture method?",
            "answer": "<p>The needles are similar, but the method is different.</p>",
        }

    def get_api_representation(self, value, context=None):
        data = super().get_api_representation(value, context)
        data["answered"] = bool(value["answer"].source.strip()) if value["answer"] else False
        return data


class TreatmentStreamBlock(blocks.StreamBlock):
    question = QuestionBlock()
    # Prose outside any question: an introduction, or a line the importer could not place.
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ul", "ol"],
        icon="pilcrow",
        preview_value="<p>Dry needle therapy is also known as intramuscular stimulation.</p>",
    )
