"""Branch pages as editors meet them in the page tree."""

import pytest


@pytest.mark.django_db
def test_adding_under_a_clinic_home_page_goes_straight_to_a_treatments_section(admin_client, north):
    """A treatment index is the only page a home page takes, so the admin asks for no type."""
    response = admin_client.get(f"/admin/pages/{north.home.pk}/add_subpage/")

    assert response.status_code == 302
    assert response.url == f"/admin/pages/add/treatments/treatmentindexpage/{north.home.pk}/"
