"""The periodic tasks of issue 8, created once; afterwards they are edited in the admin.

Rows, not code: django-celery-beat's ``DatabaseScheduler`` reads them, so an operator changes a
period or switches a task off under "Periodic tasks" without a deploy. ``update_or_create`` is
not used on purpose: re-running migrations must not undo an operator's edits.
"""

from django.db import migrations

SCHEDULES = (
    # name, task, interval (every, period) or crontab (minute, hour, day_of_week)
    ("Recrawl due products", "reviewsec.analyses.recrawl_due", (15, "minutes"), None),
    ("Housekeeping: stuck and old jobs", "reviewsec.analyses.housekeeping", (5, "minutes"), None),
    ("Weekly threshold refit", "reviewsec.analyses.threshold_refit", None, ("30", "3", "1")),
)


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, interval, crontab in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        fields = {"name": name, "task": task, "enabled": True}
        if interval is not None:
            every, period = interval
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=every, period=period
            )
        else:
            minute, hour, day_of_week = crontab
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_week=day_of_week,
                day_of_month="*",
                month_of_year="*",
                timezone="UTC",
            )
        PeriodicTask.objects.create(**fields)


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[row[0] for row in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analyses", "0002_recrawl_policy"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
