from django.apps import AppConfig


class TreatmentsConfig(AppConfig):
    name = "treatments"
    verbose_name = "Treatments"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from . import signals

        rebuild = signals.schedule_read_map_rebuild
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(rebuild, dispatch_uid=f"read_map_{signal}")
        post_save.connect(signals.page_saved, dispatch_uid="read_map_page_created")
        post_delete.connect(rebuild, sender=Page, dispatch_uid="read_map_page_deleted")
        for model in (Site, PageViewRestriction):
            post_save.connect(rebuild, sender=model, dispatch_uid=f"read_map_{model.__name__}")
            post_delete.connect(
                rebuild, sender=model, dispatch_uid=f"read_map_{model.__name__}_del"
            )
