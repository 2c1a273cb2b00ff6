"""The composition root: the one package that knows every other one.

``casenote.cli`` is the ``casenote`` command (every command registered there, one
place that turns errors into one-line messages); ``casenote.service`` puts the review
service together (its context, the FastAPI app, every background thread it runs).
Imports run one way: models <- pipeline <- api <- review_ui <- casenote."""
