"""Clinical governance: reviewers, the clinical review step, review-due dates.

Treatment articles are health information. A clinical reviewer (``ClinicalReviewer``) approves
an article's content in a workflow step (``ClinicalReviewTask``); the approval is recorded
beside the article (``ArticleReview``, keyed by the original, so revisions and aliases never
restore or copy it), and publishing content that differs from the reviewed content is refused
(``reviews.require_review``). Each review sets the date of the next one; a daily task flags
articles due or overdue and tells the reviewers.
"""
