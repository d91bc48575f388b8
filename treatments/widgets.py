"""Admin widgets for treatment articles."""

from django import forms
from wagtail.admin.staticfiles import versioned_static
from wagtail.snippets.widgets import AdminSnippetChooser


class ConditionsWidget(forms.SelectMultiple):
    """An article's conditions: the chosen ones listed, and Wagtail's snippet chooser to add more.

    Wagtail has no chooser for a many-to-many field, and the default multiple select is an
    empty box to a new article with no way to make a condition. This renders each chosen
    condition as a hidden input (what ``SelectMultiple`` reads back) beside a snippet chooser,
    whose modal searches conditions and, for those allowed to add them, creates one in place;
    ``conditions-widget.js`` adds each pick to the list.
    """

    template_name = "treatments/widgets/conditions.html"

    def picker(self) -> AdminSnippetChooser:
        """The snippet chooser for the field's model (the form field's queryset says which)."""
        picker = AdminSnippetChooser(self.choices.queryset.model)
        picker.choose_one_text = picker.choose_another_text = "Add a condition"
        picker.show_edit_link = picker.show_clear_link = False
        return picker

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in (value or [])}
        context["chosen"] = [
            (option_value, label)
            for option_value, label in self.choices
            if str(option_value) in chosen
        ]
        picker_id = f"{context['widget']['attrs'].get('id', name)}-picker"
        context["picker_id"] = picker_id
        context["picker"] = self.picker().render(f"{name}-picker", None, {"id": picker_id})
        return context

    @property
    def media(self):
        # What AdminSnippetChooser itself needs, then the list's own script.
        return forms.Media(
            js=[
                versioned_static("wagtailsnippets/js/snippet-chooser.js"),
                "treatments/js/conditions-widget.js",
            ]
        )
