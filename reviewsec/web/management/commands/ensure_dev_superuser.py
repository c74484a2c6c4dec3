"""Create a local ``admin`` account so ``make run`` gives a working admin login at once."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the development superuser (DEBUG only; password from DEV_ADMIN_PASSWORD)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("Refusing to create a development superuser with DEBUG off.")
        username = os.environ.get("DEV_ADMIN_USERNAME", "admin")
        password = os.environ.get("DEV_ADMIN_PASSWORD", "admin")
        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            self.stdout.write(f"Admin login: {username} (already exists).")
            return
        user_model.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(f"Created admin login {username} / {password} for local development.")
