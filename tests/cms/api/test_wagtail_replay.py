"""Wagtail's own API v2 test cases replayed over our endpoints (see ``wagtail_replay``).

One world for all of them: the demo's library article at North and South, North's own article,
a public image and document. Every answer is JSON, none a 5xx; the tests whose asserted status
we answer are counted, and the rest are listed, with the message we answer, in
docs/api-compatibility.md.
"""

import collections

import pytest
import wagtail_factories

from tests.cms.api.wagtail_replay import read_tests, url_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

# Wagtail 8.0.1's tests: 286 methods, 271 of which send requests to the API.
WAGTAIL_TESTS = 286
REPLAYED = 271
# Why a replayed test's asserted status is not ours (docs/api-compatibility.md).
DELIBERATE = "a deliberate difference: the combination is served"
MISSING_PAGE_404 = "a page the clinic does not show is 404 here, 400 in stock"
TEST_SETUP = "the test changes settings or rows first (a limit, search off, a restriction)"
DEMO_CONTENT = "Wagtail's test app: its fields, types, tags, ids, paths, sites and locales"
DIFFERENCES = {
    "TestDocumentListing.test_ordering_by_random_with_offset_gives_error": DELIBERATE,
    "TestDocumentListingSearch.test_search_when_filtering_by_tag_gives_error": DELIBERATE,
    "TestImageListing.test_ordering_by_random_with_offset_gives_error": DELIBERATE,
    "TestImageListingSearch.test_search_when_filtering_by_tag_gives_error": DELIBERATE,
    "TestPageListing.test_descendant_of_when_filtering_by_child_of_gives_error": DELIBERATE,
    "TestPageListing.test_ordering_by_random_with_offset_gives_error": DELIBERATE,
    "TestPageListing.test_descendant_of_page_thats_not_in_same_site_gives_error": MISSING_PAGE_404,
    "TestPageListing.test_child_of_page_thats_not_in_same_site_gives_error": MISSING_PAGE_404,
    "TestPageListing.test_ancestor_of_unknown_page_gives_error": MISSING_PAGE_404,
    "TestPageListing.test_child_of_unknown_page_gives_error": MISSING_PAGE_404,
    "TestPageListing.test_descendant_of_unknown_page_gives_error": MISSING_PAGE_404,
    "TestDocumentDetail.test_excludes_restricted_document": TEST_SETUP,
    "TestDocumentDetail.test_excludes_restricted_document_in_descendant_collection": TEST_SETUP,
    "TestDocumentListing.test_limit_max_none_gives_no_errors": TEST_SETUP,
    "TestDocumentListing.test_limit_maximum_can_be_changed": TEST_SETUP,
    "TestDocumentListingSearch.test_search_when_disabled_gives_error": TEST_SETUP,
    "TestImageDetail.test_excludes_restricted_image": TEST_SETUP,
    "TestImageDetail.test_excludes_restricted_image_in_descendant_collection": TEST_SETUP,
    "TestImageListing.test_limit_max_none_gives_no_errors": TEST_SETUP,
    "TestImageListing.test_limit_maximum_can_be_changed": TEST_SETUP,
    "TestImageListingSearch.test_search_when_disabled_gives_error": TEST_SETUP,
    "TestPageListing.test_limit_max_none_gives_no_errors": TEST_SETUP,
    "TestPageListing.test_limit_maximum_can_be_changed": TEST_SETUP,
    "TestPageListingSearch.test_search_when_disabled_gives_error": TEST_SETUP,
    "TestDocumentFind.test_find_by_id": DEMO_CONTENT,
    "TestImageFind.test_find_by_id": DEMO_CONTENT,
    "TestPageDetail.test_all_nested_fields": DEMO_CONTENT,
    "TestPageDetail.test_form_fields_on_form_page": DEMO_CONTENT,
    "TestPageDetail.test_nested_fields": DEMO_CONTENT,
    "TestPageDetail.test_nested_nested_fields": DEMO_CONTENT,
    "TestPageDetail.test_remove_all_nested_fields": DEMO_CONTENT,
    "TestPageDetail.test_remove_nested_fields": DEMO_CONTENT,
    "TestPageFind.test_find_by_html_path": DEMO_CONTENT,
    "TestPageFind.test_find_by_html_path_takes_precedence_over_id": DEMO_CONTENT,
    "TestPageFind.test_find_by_html_path_with_fields": DEMO_CONTENT,
    "TestPageFind.test_find_by_html_path_with_start_and_end_slashes_removed": DEMO_CONTENT,
    "TestPageFind.test_find_by_id": DEMO_CONTENT,
    "TestPageListing.test_child_of_filter": DEMO_CONTENT,
    "TestPageListing.test_child_of_with_type": DEMO_CONTENT,
    "TestPageListing.test_descendant_of_filter": DEMO_CONTENT,
    "TestPageListing.test_all_nested_fields": DEMO_CONTENT,
    "TestPageListing.test_ancestor_of_filter": DEMO_CONTENT,
    "TestPageListing.test_ancestor_of_home_page_ignores_root": DEMO_CONTENT,
    "TestPageListing.test_ancestor_of_with_type": DEMO_CONTENT,
    "TestPageListing.test_descendant_of_with_type": DEMO_CONTENT,
    "TestPageListing.test_fields": DEMO_CONTENT,
    "TestPageListing.test_fields_child_relation": DEMO_CONTENT,
    "TestPageListing.test_fields_foreign_key": DEMO_CONTENT,
    "TestPageListing.test_fields_ordering": DEMO_CONTENT,
    "TestPageListing.test_fields_tags": DEMO_CONTENT,
    "TestPageListing.test_filtering_exact_filter_on_specific_field": DEMO_CONTENT,
    "TestPageListing.test_filtering_multiple_tags": DEMO_CONTENT,
    "TestPageListing.test_filtering_on_foreign_key": DEMO_CONTENT,
    "TestPageListing.test_filtering_tags": DEMO_CONTENT,
    "TestPageListing.test_locale_filter": DEMO_CONTENT,
    "TestPageListing.test_nested_fields": DEMO_CONTENT,
    "TestPageListing.test_nested_nested_fields": DEMO_CONTENT,
    "TestPageListing.test_ordering_by_specific_field_with_type": DEMO_CONTENT,
    "TestPageListing.test_remove_all_nested_fields": DEMO_CONTENT,
    "TestPageListing.test_remove_nested_fields": DEMO_CONTENT,
    "TestPageListing.test_site_filter": DEMO_CONTENT,
    "TestPageListing.test_site_filter_same_hostname_returns_error": DEMO_CONTENT,
    "TestPageListingSearch.test_locale_filter_with_search": DEMO_CONTENT,
}


def replay(client, ids):
    outcomes = {}
    for test in read_tests():
        if not test.requests:
            continue
        answers = []
        for request in test.requests:
            response = client.get(url_for(request, ids), HTTP_HOST="north.example.org")
            assert response.status_code < 500, (test.name, url_for(request, ids))
            body = response.json() if response.status_code != 302 else {}
            default = {302} if request.view == "find" else {200}
            expected = test.statuses or default
            answers.append((response.status_code in expected, response.status_code, body))
        outcomes[test.name] = answers
    return outcomes


def test_wagtails_api_tests_replayed_over_our_endpoints(client, world, settings):
    settings.API_THROTTLE_RATES = {"anon": "none", "partner": "none"}
    image = wagtail_factories.ImageFactory(title="Needles")
    document = wagtail_factories.DocumentFactory(title="Price list")
    ids = {
        "pages": [world.north_alias.pk, world.north_own.pk],
        "images": [image.pk],
        "documents": [document.pk],
    }
    tests = read_tests()

    outcomes = replay(client, ids)

    assert len(tests) == WAGTAIL_TESTS
    assert len(outcomes) == REPLAYED
    differing = {
        name: [(status, body.get("message", "")) for ok, status, body in answers if not ok]
        for name, answers in outcomes.items()
        if not all(ok for ok, _, _ in answers)
    }
    for name, answers in sorted(differing.items()):
        print("DIFF", name, answers[0][0], answers[0][1][:80])  # noqa: T201
    assert sorted(differing) == sorted(DIFFERENCES)  # every other replayed test matches
    assert REPLAYED - len(DIFFERENCES) == 208
    assert collections.Counter(DIFFERENCES.values()) == {
        DEMO_CONTENT: 39,
        TEST_SETUP: 13,
        DELIBERATE: 6,
        MISSING_PAGE_404: 5,
    }
