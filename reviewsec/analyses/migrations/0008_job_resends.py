"""Lost job messages re-sent: the resend count, and the every-minute beat row (see 0003).

The row is created once and then edited in the admin ("Periodic tasks"); the embedded mode's
in-process beat (``reviewsec.lib.dispatch.in_process_beat``) reads the same row.
"""

from django.db import migrations, models

NAME = "Housekeeping: re-send lost job messages"
TASK = "reviewsec.analyses.jobs_resend_lost"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():  # never undo an operator's edits
        return
    interval, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.create(name=NAME, task=TASK, interval=interval, enabled=True)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analyses", "0007_reviewer_graph_fit_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="crawljob",
            name="resends",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="How often housekeeping re-sent it after its message was lost."
            ),
        ),
        migrations.AlterField(
            model_name="crawljob",
            name="celery_task_id",
            field=models.CharField(
                blank=True, help_text="The message's id; only it may claim the job.", max_length=64
            ),
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
