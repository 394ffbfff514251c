# Apart from 0014: PostgreSQL refuses to alter a table in the transaction that updated its rows.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("content", "0014_person_slug")]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="slug",
            field=models.SlugField(editable=False, max_length=80, unique=True, verbose_name="网址名"),
        ),
    ]
