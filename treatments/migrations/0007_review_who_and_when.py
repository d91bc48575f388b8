from django.db import migrations


class Migration(migrations.Migration):
    """The review's who and when named as issue 18 names them: reviewed_by, last_reviewed."""

    dependencies = [
        ("treatments", "0006_merge_dates_governance_condition_slugs"),
    ]

    operations = [
        migrations.RenameField(
            model_name="articlereview", old_name="reviewer", new_name="reviewed_by"
        ),
        migrations.RenameField(
            model_name="articlereview", old_name="reviewed_at", new_name="last_reviewed"
        ),
    ]
