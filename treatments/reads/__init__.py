"""Read statistics, as one package.

- ``buffer``: reads counted in Redis, one round trip each, no SQL (the beacon's store).
- ``served``: which articles each branch serves, kept in Redis for the beacon.
- ``refresh`` and ``tasks``: buffered reads into the database exactly once, by Celery beat.
- ``models``: totals per article, reads per article, branch and day, applied batches.
- ``totals``: the starting total an imported article brings.
- ``history``: reads per day and per article and branch, for the API and the report.
- ``report``: the admin's Article reads report.
- ``signals``: keeps the served map in step with the page tree.

The beacon and history endpoints are part of the partner API (``cms/api/reads.py``).
"""
