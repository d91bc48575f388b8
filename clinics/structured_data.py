"""A branch's facts for structured data (``treatments.structured_data.ClinicFacts``)."""

from wagtail.models import Site

from treatments.structured_data import ClinicFacts, OpeningHours

from .models import ClinicSettings


def clinic_facts(site: Site) -> ClinicFacts:
    """The branch's name, address, telephone, hours and booking link; one query.

    Closed days are left out: schema.org lists the hours a place is open.
    """
    settings = ClinicSettings.for_site(site)
    hours = [
        OpeningHours(day.value["weekday"], day.value["opens"], day.value["closes"])
        for day in settings.opening_hours
        if not day.value["closed"] and day.value["opens"] and day.value["closes"]
    ]
    return ClinicFacts(
        name=settings.name or site.site_name or site.hostname,
        url=f"{site.root_url}/",
        address=settings.address,
        telephone=settings.phone,
        email=settings.email,
        booking_url=settings.booking_url,
        hours=hours,
    )
