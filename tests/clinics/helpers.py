"""What admin tests share: the fields a browser posts with page forms, and how Wagtail refuses."""

from django.urls import reverse

REFUSED = "Sorry, you do not have permission to access this area."


def refused(client, response) -> bool:
    """Wagtail refuses either with 403 or with a redirect home and an error message."""
    if response.status_code == 403:
        return True
    if response.status_code == 302 and response.url == reverse("wagtailadmin_home"):
        return REFUSED in client.get(response.url).content.decode()
    return False


def formset(prefix: str, forms: int = 0) -> dict[str, str]:
    """An inline panel's management form, with ``forms`` forms posted after it."""
    return {
        f"{prefix}-TOTAL_FORMS": str(forms),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_form(title: str, slug: str, **fields: str) -> dict[str, str]:
    """A new treatment article as the add form posts it: no body blocks, no inline rows."""
    return {
        "title": title,
        "slug": slug,
        "summary": f"{title}, in short.",
        "sessions_per_week": "",
        "body-count": "0",
        "editor_notes": "",
        **formset("other_names"),
        **formset("session_guidance"),
        **formset("gallery_images"),
        **formset("comments"),
        **fields,
    }
