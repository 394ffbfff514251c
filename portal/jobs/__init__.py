"""Background jobs: Django's task framework (django-tasks) on the database (django-tasks-db).

Any app defines a job with `@task()` (django_tasks) and enqueues it; `manage.py db_worker`
runs it in its own process (`make run` starts one beside the web server, deploy/ runs one as
a service). This package holds what the portal adds to that, for every job alike, without the
apps that define jobs knowing it:

- backend.py: the database backend, with the few tasks that must run at once in the request;
- retry.py: a job that raises is run again later, with growing waits, a few times;
- views.py: the administrators' read-only list of jobs, with their errors and attempts.

Why the database and not Redis (django-tasks-rq): a job row is written in the same
transaction as the change that asked for it, so a rolled back upload leaves no job and a
committed one never misses its job; the portal already backs up, migrates and monitors its
database, while Redis is optional here (the page cache works without it); and the portal's
jobs (a document's text, a video's renditions, a preview) are a few a minute, far below what
a polled table handles (bench/jobs.py).
"""
