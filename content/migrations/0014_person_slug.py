from django.db import migrations, models

from content.slugs import pinyin_slug, unique_slug


def fill_slugs(apps, schema_editor):
    """Every person gets the address of their 成长档案, from their name in pinyin; people of
    the same name get -2, -3 … in the order they were added."""
    Person = apps.get_model("content", "Person")
    taken = set(Person.objects.exclude(slug="").values_list("slug", flat=True))
    for person in Person.objects.filter(slug="").order_by("pk"):
        person.slug = unique_slug(pinyin_slug(person.name) or "person", taken)
        taken.add(person.slug)
        person.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("content", "0013_observation_dimensions")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="slug",
            field=models.SlugField(
                default="", editable=False, max_length=80, verbose_name="网址名"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
    ]
