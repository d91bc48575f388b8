"""Template tags for the admin notices about library articles shown at branches."""

from django import template

from clinics.local.hooks import local_content_actions
from clinics.models import Withdrawal

register = template.Library()


@register.simple_tag(takes_context=True)
def alias_rights(context, page) -> dict[str, bool]:
    """What the current user may do about an alias (edit its original, or delete it here), and
    when the library withdrew it from this branch, if it did."""
    user = context["request"].user
    withdrawal = Withdrawal.objects.filter(alias_id=page.pk).first()
    return {
        "edit_original": page.alias_of.permissions_for_user(user).can_edit(),
        "withdraw": page.permissions_for_user(user).can_delete(),
        "withdrawn_at": withdrawal.withdrawn_at if withdrawal else None,
    }


@register.simple_tag(takes_context=True)
def local_content(context, page) -> dict:
    """The branch's local part of an offered article, as its staff may reach it."""
    return local_content_actions(page, context["request"].user)
