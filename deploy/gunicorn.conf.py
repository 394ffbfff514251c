"""gunicorn settings for one app server: `gunicorn -c deploy/gunicorn.conf.py portal.wsgi`.

Every value can be changed from the environment (the systemd unit's EnvironmentFile or the
container's environment); the defaults suit a 2-core machine behind nginx.
"""

import multiprocessing
import os

wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# One request at a time per process (gunicorn's sync worker), several processes per core so
# that one waiting on PostgreSQL, Redis or the object store leaves the core to another.
# Pages are CPU-bound Python: threads in one process only take turns holding the GIL, and a
# threaded worker keeps the keep-alive connections it accepted, so a request can wait behind
# a busy worker while the other idles (measured with wrk: one run in two lost half its
# throughput that way). A sync worker takes a new connection only when it is free. Large
# downloads do not hold it: nginx buffers the whole response (deploy/nginx).
# jieba's dictionary is loaded once, before forking, and shared.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A large upload (a lesson video) arrives through nginx, which buffers it first; the
# timeout covers writing it to storage and reading a document's text.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5

# Restart each worker after a while so slow leaks cannot grow; the jitter keeps the
# workers from restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))

# Only the reverse proxy may say a request came over HTTPS (X-Forwarded-Proto) and from
# which address; list its address(es) when nginx runs on another machine.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client's address as nginx passed it, the request, status, size, duration in µs.
access_log_format = (
    '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(B)s %(D)s "%(f)s" "%(a)s"'
)

proc_name = "hongsibu-portal"
# Loading the app before forking shares its memory (Django, Wagtail, jieba) between workers.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() == "true"
# Heartbeat files on tmpfs, not a disk that may stall.
worker_tmp_dir = os.environ.get(
    "GUNICORN_WORKER_TMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else None
)


def pre_fork(server, worker):
    """Runs in the master, with the app preloaded, before each worker is forked."""
    import gc

    # The search's word lists (jieba's dictionary, pinyin tables) are hundreds of thousands
    # of objects, and the compiled templates thousands more (portal.warmup). Loaded once here
    # they are shared by the workers; frozen, the garbage collector stops walking them on
    # every full collection (247 ms each, measured), which otherwise lands in the middle of
    # random requests.
    if preload_app and not getattr(server, "portal_warm", False):
        from portal.warmup import warm

        warm()
        server.portal_warm = True
    gc.freeze()
