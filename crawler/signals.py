"""Signals the spiders send so the outcome extension can report progress as pages arrive."""

# Sent after a spider has parsed one page of its kind (a review list page, a profile, ...).
# Arguments: spider.
page_parsed = object()
