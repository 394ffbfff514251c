from django.db import migrations


class Migration(migrations.Migration):
    """The pages at the top of the tree (depth 3 or less: caching.snapshot.TOP_DEPTH), which
    every cold page reads with the shared snapshot, found from an index of them alone.
    Without it PostgreSQL read the whole page table for them: 57,500 rows, 4,000 pages of
    disk, some 60 ms of every cold page at 50,000 resources. A partial index is chosen on a
    database never analysed too: it holds a dozen rows whatever the statistics say."""

    dependencies = [
        ("caching", "0002_generation_scopes"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS caching_page_top ON wagtailcore_page (depth) "
            "WHERE depth <= 3",
            "DROP INDEX IF EXISTS caching_page_top",
        ),
    ]
