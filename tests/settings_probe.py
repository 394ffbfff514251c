"""Run by tests/test_settings.py as one process for all its environments: each starting
Python, Django and the settings afresh cost ~3 s of CPU, seven times over.

It reads a JSON object from stdin: {"environments": {name: variables}, "deploy_check": variables}.
Each environment's settings are loaded as `django.conf.settings` loads them (a LazySettings of
DJANGO_SETTINGS_MODULE), from the portal's settings modules imported again with only that
environment's variables set on top of the process's own: the modules read the environment
when they are imported. Then, with the `deploy_check` variables, Django is set up and
`manage.py check --deploy --fail-level WARNING` runs, as the command line would run it.
It prints one JSON object: {name: {"values": [...]} or {"error": type, "message": ...}} and
"deploy_check": {"ok": ..., "out": what the check printed, or the error}.
"""

import contextlib
import io
import json
import os
import sys

# What a process started with `DJANGO_SETTINGS_MODULE=...` reads of its settings.
READ = ("DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECRET_KEY", "ALLOWED_HOSTS")


def set_environment(base, variables):
    os.environ.clear()
    os.environ.update(base)
    os.environ.update(variables)
    for module in [name for name in sys.modules if name.startswith("portal.settings")]:
        del sys.modules[module]


def read_settings():
    from django.conf import LazySettings

    settings = LazySettings()
    try:
        return {"values": [repr(getattr(settings, name)) for name in READ]}
    except Exception as error:
        return {"error": type(error).__name__, "message": str(error)}


def deploy_check():
    import django
    from django.core.management import call_command

    out = io.StringIO()
    try:
        django.setup()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            call_command("check", deploy=True, fail_level="WARNING", stdout=out, stderr=out)
    except BaseException as error:  # SystemCheckError among them: the answer is the point
        return {"ok": False, "out": out.getvalue() + f"{type(error).__name__}: {error}"}
    return {"ok": True, "out": out.getvalue()}


def main():
    request = json.load(sys.stdin)
    base = dict(os.environ)
    answers = {}
    for name, variables in request["environments"].items():
        set_environment(base, variables)
        answers[name] = read_settings()
    set_environment(base, request["deploy_check"])
    answers["deploy_check"] = deploy_check()
    json.dump(answers, sys.stdout)
    sys.stdout.flush()
    # Everything is answered: the interpreter's teardown of Django and Wagtail is not needed.
    os._exit(0)


if __name__ == "__main__":
    main()
