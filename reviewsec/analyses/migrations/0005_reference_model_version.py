"""ThresholdModel held a whole reference model (CvT line + ERO calibration): name it and its
fields for what they hold. Renames only: every row and every analysis's link is kept."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analyses", "0004_job_worker"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="thresholdmodel", name="one_active_threshold_model"),
        migrations.RenameModel(old_name="ThresholdModel", new_name="ReferenceModelVersion"),
        migrations.RenameField(
            model_name="referencemodelversion", old_name="fit", new_name="model"
        ),
        migrations.RenameField(
            model_name="referencemodelversion",
            old_name="sample_size",
            new_name="reference_products",
        ),
        migrations.RenameField(
            model_name="analysis", old_name="threshold_model", new_name="reference_model"
        ),
        migrations.AlterField(
            model_name="referencemodelversion",
            name="model",
            field=models.JSONField(help_text="detector.reference.ReferenceModel.to_dict()"),
        ),
        migrations.AlterField(
            model_name="referencemodelversion",
            name="reference_products",
            field=models.PositiveIntegerField(
                help_text="How many reference products the model was fitted on."
            ),
        ),
        migrations.AlterField(
            model_name="analysis",
            name="reference_model",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="analyses",
                to="analyses.referencemodelversion",
            ),
        ),
        migrations.AddConstraint(
            model_name="referencemodelversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True)),
                fields=("is_active",),
                name="one_active_reference_model",
            ),
        ),
    ]
