"""Blocks for a branch's settings."""

from django.core.exceptions import ValidationError
from wagtail import blocks

WEEKDAYS = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
]


class OpeningHoursBlock(blocks.StructBlock):
    """One weekday's hours; a closed day has no times.

    JSON: ``{"weekday": "mon", "opens": "09:00:00", "closes": "18:00:00", "closed": false}``.
    """

    weekday = blocks.ChoiceBlock(choices=WEEKDAYS)
    opens = blocks.TimeBlock(required=False)
    closes = blocks.TimeBlock(required=False)
    closed = blocks.BooleanBlock(required=False)

    class Meta:
        icon = "time"
        label_format = "{weekday}"

    def clean(self, value):
        # Errors are ValidationError objects on the field they concern: Wagtail's form shows
        # them beside that field of that day and keeps what the editor typed.
        value = super().clean(value)
        errors = {}
        if value["closed"]:
            # Ticking Closed on a day that had hours closes it; the old times mean nothing.
            value["opens"] = value["closes"] = None
        else:
            for field, label in (("opens", "Opening"), ("closes", "Closing")):
                if not value[field]:
                    errors[field] = ValidationError(
                        f"{label} time missing: give both times, or tick Closed."
                    )
            if not errors and value["opens"] >= value["closes"]:
                errors["closes"] = ValidationError("Closing time must be after opening time.")
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value


class OpeningHoursStreamBlock(blocks.StreamBlock):
    """A branch's week: at most one entry per weekday."""

    day = OpeningHoursBlock()

    class Meta:
        max_num = 7

    def clean(self, value):
        value = super().clean(value)
        seen = {}
        errors = {}
        for index, child in enumerate(value):
            weekday = child.value["weekday"]
            if weekday in seen:
                errors[index] = ValidationError(
                    f"{dict(WEEKDAYS)[weekday]} is already given above; one entry per day."
                )
            seen.setdefault(weekday, index)
        if errors:
            raise blocks.StreamBlockValidationError(block_errors=errors)
        return value
