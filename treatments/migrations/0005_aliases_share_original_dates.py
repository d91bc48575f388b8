"""Existing aliases get their original's publication dates (treatments/aliases.py).

Reversing keeps the dates: the empty first date was Wagtail's omission, not data to restore.
"""

from django.db import migrations


def share_original_dates(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    dates = {
        pk: (alias_of, first, last)
        for pk, alias_of, first, last in Page.objects.values_list(
            "pk", "alias_of_id", "first_published_at", "last_published_at"
        )
    }
    for pk, (alias_of, _, _) in dates.items():
        if alias_of is None:
            continue
        seen = {pk}
        original = alias_of
        # Follow a chain to its end; a cycle (never made by Wagtail) leaves the page as it is.
        while dates.get(original, (None,))[0] is not None and original not in seen:
            seen.add(original)
            original = dates[original][0]
        if original in seen or original not in dates:
            continue
        _, first, last = dates[original]
        Page.objects.filter(pk=pk).update(first_published_at=first, last_published_at=last)


class Migration(migrations.Migration):
    dependencies = [
        ("treatments", "0004_imported_article"),
    ]

    operations = [migrations.RunPython(share_original_dates, migrations.RunPython.noop)]
