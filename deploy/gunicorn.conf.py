"""gunicorn settings for one app server: `gunicorn -c deploy/gunicorn.conf.py portal.wsgi`.

Every value can be changed from the environment (the systemd unit's EnvironmentFile or the
container's environment); the defaults suit a 2-core machine behind nginx.
"""

import multiprocessing
import os

wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Threads let a worker serve other requests while one waits on PostgreSQL, Redis or the
# object store; processes use the cores. jieba's dictionary (~60 MB) is loaded per process.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

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
    # of objects. Loaded once here they are shared by the workers; frozen, the garbage
    # collector stops walking them on every full collection (247 ms each, measured), which
    # otherwise lands in the middle of random requests.
    if preload_app:
        from search import analysis

        analysis.tokenizer()
    gc.freeze()
