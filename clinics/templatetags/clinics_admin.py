"""Template tags for the admin notices about library articles shown at branches."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def alias_rights(context, page) -> dict[str, bool]:
    """What the current user may do about an alias: edit its original, or delete it here."""
    user = context["request"].user
    return {
        "edit_original": page.alias_of.permissions_for_user(user).can_edit(),
        "withdraw": page.permissions_for_user(user).can_delete(),
    }
