from django.db import migrations


class Migration(migrations.Migration):
    """The kept facet counts now include each listing's counts under every single filter
    (content.facet_counts.under). What was kept before is dropped, so that migrate's
    first count (content.facet_counts.count_new_listings, after every migration) counts
    every listing again, with them."""

    dependencies = [("content", "0016_facet_counts")]

    operations = [
        migrations.RunSQL("DELETE FROM content_facetcount", migrations.RunSQL.noop),
    ]
