"""An output record's 佐证材料 is one of the portal's documents (WAGTAILDOCS_DOCUMENT_MODEL),
not Wagtail's stock document, which the portal never fills.

A record that named a stock document keeps its evidence: it points at the portal document
holding the same file (same stored name, else same content hash); where there is none, its
说明 says which file it named, so that the record still shows evidence and the lead knows
what to upload again.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

LOST_EVIDENCE = "原佐证材料《{title}》（{file}）迁移时未在门户文档中找到，请重新上传。"


def point_at_portal_documents(apps, schema_editor):
    OutputRecord = apps.get_model("tracking", "OutputRecord")
    StockDocument = apps.get_model("wagtaildocs", "Document")
    app_label, model_name = settings.WAGTAILDOCS_DOCUMENT_MODEL.split(".")
    PortalDocument = apps.get_model(app_label, model_name)
    for record in OutputRecord.objects.exclude(evidence_document=None):
        stock = StockDocument.objects.filter(pk=record.evidence_document_id).first()
        if stock is None:
            continue
        match = PortalDocument.objects.filter(file=stock.file.name).first()
        if match is None and stock.file_hash:
            match = PortalDocument.objects.filter(file_hash=stock.file_hash).first()
        if match is not None:
            record.evidence_file = match
        else:
            note = LOST_EVIDENCE.format(title=stock.title, file=stock.file.name)
            record.description = f"{record.description}\n{note}".strip()
        record.save(update_fields=["evidence_file", "description"])


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0002_output_last_changed"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        migrations.swappable_dependency(settings.WAGTAILDOCS_DOCUMENT_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="outputrecord",
            name="evidence_file",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.WAGTAILDOCS_DOCUMENT_MODEL,
                verbose_name="佐证材料",
            ),
        ),
        migrations.RunPython(point_at_portal_documents, migrations.RunPython.noop),
        migrations.RemoveField(model_name="outputrecord", name="evidence_document"),
        migrations.RenameField(
            model_name="outputrecord", old_name="evidence_file", new_name="evidence_document"
        ),
    ]
