"""Template filters for showing articles as partners receive them."""

from django import template

from treatments.blocks import QuestionBlock

register = template.Library()


@register.filter
def answered(question) -> bool:
    """Whether a question block's value has an answer partners see (the API's own rule)."""
    return QuestionBlock.is_answered(question)
