"""The partner API: Wagtail's API v2, scoped to one clinic, validated, cached and documented.

- ``router``: every endpoint, registered once (``/api/v2/...``); ``reads``: the read beacon and
  an article's read history, plain views routed in ``cms/urls.py``.
- ``pages``, ``media``, ``clinics``: the endpoints; ``base``: what they share (errors, keys,
  rates, the answer cache); ``prefetch``: loading an answer's relations in bulk.
- ``filters``: query parameters parsed into 400s, the clinic of a request, ordering, search
  combined with every filter and order.
- ``serializers``: URLs (``detail_url``, downloads, ``find``) on the request's scheme and host.
- ``cache`` and ``signals``: stored answers, validators, and what invalidates them.
- ``throttling``: partner keys and request rates. ``schema``: the OpenAPI document;
  ``docs``: the schema and Redoc views, served without third-party requests.
- ``rich_text``: links in answers resolved to the clinic's own URLs. ``renderers``: orjson.
"""
