"""Local content on offered articles: what one branch adds to a shared library article.

An offered article is a Wagtail alias: publishing the library original copies its fields into
every alias, and a revision restores page fields. So a branch's additions (a local paragraph,
its practitioners, times, price note, booking link, hidden questions) live in their own tables
(``LocalContent``, ``Practitioner``), with their own drafts, revisions and the branch's approval,
and are joined to the shared text only when the partner API answers (``cms.api.local``).

Kept under ``clinics`` rather than ``treatments``: local content belongs to a branch (its
editors, moderators, collection and workflow), and ``treatments`` must not import ``clinics``.
"""
