"""The ReviewSec Django project.

Importing the Celery app here makes ``@shared_task`` bind to it whenever Django starts
(https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html).
"""

from reviewsec.celery import app as celery_app

__all__ = ("celery_app",)
