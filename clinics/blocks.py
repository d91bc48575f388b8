"""Blocks for a branch's settings."""

from wagtail import blocks


class OpeningHoursBlock(blocks.StructBlock):
    """One weekday's hours; a closed day has no times.

    JSON: ``{"weekday": "mon", "opens": "09:00:00", "closes": "18:00:00", "closed": false}``.
    """

    weekday = blocks.ChoiceBlock(
        choices=[
            ("mon", "Monday"),
            ("tue", "Tuesday"),
            ("wed", "Wednesday"),
            ("thu", "Thursday"),
            ("fri", "Friday"),
            ("sat", "Saturday"),
            ("sun", "Sunday"),
        ]
    )
    opens = blocks.TimeBlock(required=False)
    closes = blocks.TimeBlock(required=False)
    closed = blocks.BooleanBlock(required=False)

    class Meta:
        icon = "time"
        label_format = "{weekday}"

    def clean(self, value):
        value = super().clean(value)
        if not value["closed"] and not (value["opens"] and value["closes"]):
            raise blocks.StructBlockValidationError(
                block_errors={"opens": "Give opening and closing times, or mark the day closed."}
            )
        if value["opens"] and value["closes"] and value["opens"] >= value["closes"]:
            raise blocks.StructBlockValidationError(
                block_errors={"closes": "Closing time must be after opening time."}
            )
        return value
