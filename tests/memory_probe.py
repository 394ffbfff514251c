"""Run by tests/test_job_memory.py in fresh processes, one per role, so that each one's peak
resident memory (VmHWM) is its own: `web FILE...` uploads the files through the admin as an
editor's browser would; `worker` drains the job queue as the deployed worker does. Each prints
what it measured as JSON."""

import io
import json
import resource
import sys
from pathlib import Path

import django

import docx


def peak_kb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def web(paths):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from wagtail.models import Collection

    setup_test_environment()
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("probe", password="pw"))
    root = Collection.get_first_root_node().pk

    def upload(name, data):
        response = client.post(
            reverse("wagtaildocs:add"),
            {"title": name, "file": SimpleUploadedFile(name, data), "collection": root},
        )
        return response.status_code

    # A small ordinary upload first: what any upload loads (imports, caches) is not the bombs'.
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    upload("warm-up.docx", buffer.getvalue())
    before = peak_kb()
    codes = [upload(Path(path).name, Path(path).read_bytes()) for path in paths]
    return {"codes": codes, "peak_before_kb": before, "peak_kb": peak_kb()}


def worker():
    from django.core.management import call_command

    from content.document_text import extract_document_text
    from content.models import PortalDocument

    # The warm-up document's job, run here: what any job loads is not the bombs'.
    warm = PortalDocument.objects.get(title="warm-up.docx")
    extract_document_text.call(warm.pk, warm.file_hash)
    before = peak_kb()
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--queue-name",
        "*",
        verbosity=0,
    )
    return {
        "statuses": sorted(
            PortalDocument.objects.exclude(title="warm-up.docx").values_list(
                "text_status", flat=True
            )
        ),
        "peak_before_kb": before,
        "peak_kb": peak_kb(),
        # The largest child's peak: the sandboxed reader.
        "child_peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }


if __name__ == "__main__":
    django.setup()
    role, *args = sys.argv[1:]
    result = web(args) if role == "web" else worker()
    print(json.dumps(result))
