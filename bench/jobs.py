"""Text extraction through the job worker: jobs per minute.

    .venv/bin/python bench/jobs.py                   # 40 documents, SQLite
    .venv/bin/python bench/jobs.py --documents 100

On its own SQLite database (bench/out/jobs.sqlite3, migrated on the first run): N small real
documents (DOCX, PDF, PPTX, XLSX in turn, each with a few paragraphs) are saved as an upload
saves them, which queues their extraction jobs (and their search-index jobs); then one
`manage.py db_worker --batch` process, as deployed, drains the queue and is timed. Each
extraction reads its file in the sandbox (a child Python per file, 256 MB, 30 s) and indexes
the document again. Prints extraction jobs per minute and all jobs per minute.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = ROOT / "bench" / "out" / "jobs.sqlite3"
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": f"sqlite:///{DATABASE}",
    "PYTHONPATH": str(ROOT),
    # One media folder for this process, which saves the files, and the worker, which reads them.
    "BENCH_MEDIA_ROOT": str(ROOT / "bench" / "out" / "jobs-media"),
}


def manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


def make_documents(count):
    import django

    os.environ.update(ENV)
    django.setup()

    from django.core.files.base import ContentFile

    from django_tasks_db.models import DBTaskResult

    from content.models import PortalDocument
    from tests.test_extraction import docx_bytes, pdf_bytes, pptx_bytes, xlsx_bytes

    DBTaskResult.objects.all().delete()
    PortalDocument.objects.filter(title__startswith="bench-").delete()
    makers = [
        ("docx", lambda i: docx_bytes(f"第{i}课 教学设计：函数的单调性与最值，课堂练习与反思")),
        ("pdf", lambda i: pdf_bytes(f"lesson {i}: quadratic functions and their graphs")),
        ("pptx", lambda i: pptx_bytes(f"第{i}课 课件：细胞的结构与功能")),
        ("xlsx", lambda i: xlsx_bytes(f"第{i}次 月考成绩分析")),
    ]
    run = int(time.time())  # the previous run's files are deleted by jobs: new names
    for i in range(count):
        kind, make = makers[i % len(makers)]
        name = f"{run}-{i}.{kind}"
        document = PortalDocument(title=f"bench-{i}", file=ContentFile(make(i), name=name))
        document.save()
    return DBTaskResult.objects.filter(task_path__endswith="extract_document_text").count()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=40)
    options = parser.parse_args()
    DATABASE.parent.mkdir(exist_ok=True)
    manage("migrate", "--noinput", "-v", "0")
    worker = ("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*")
    # The worker process's own start (Django set up, nothing to do), taken off the figure.
    started = time.monotonic()
    manage(*worker, "-v", "0")
    startup = time.monotonic() - started
    extraction_jobs = make_documents(options.documents)

    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.count()
    started = time.monotonic()
    manage(*worker, "-v", "0")
    seconds = time.monotonic() - started - startup

    from content.models import PortalDocument

    statuses = list(
        PortalDocument.objects.filter(title__startswith="bench-").values_list(
            "text_status", flat=True
        )
    )
    done = statuses.count("done")
    print(
        f"{extraction_jobs} extraction jobs ({done} read), {queued} jobs in all, one worker: "
        f"{seconds:.1f} s (its {startup:.1f} s start not counted)"
    )
    print(
        f"extraction: {extraction_jobs / seconds * 60:.0f} jobs/min; all jobs: {queued / seconds * 60:.0f} jobs/min"
    )
    if done != extraction_jobs:
        print(f"not read: {[s for s in statuses if s != 'done']}")
        sys.exit(1)


if __name__ == "__main__":
    main()
