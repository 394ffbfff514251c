from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("caching", "0001_initial"),
    ]

    operations = [
        # The one row of before becomes the shared scope's; the sections' rows are made
        # when first read (caching.generations).
        migrations.AddField(
            model_name="generation",
            name="scope",
            field=models.CharField(
                default="site", max_length=40, unique=True, verbose_name="范围"
            ),
            preserve_default=False,
        ),
    ]
