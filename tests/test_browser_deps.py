"""`make browser-deps` (tests/browser/install-deps.sh) on a machine without Chromium: apt-get
and the tools it asks are stand-ins here, so nothing is installed."""

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent / "browser" / "install-deps.sh"
# apt-get waits for dpkg's lock: `make test` may run another install beside this one.
WAIT = "-o DPkg::Lock::Timeout=300"


def fake_tool(folder, name, body):
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A PATH whose fc-list and dpkg know no WenQuanYi font and whose apt-get logs its calls;
    `install` "installs" the browser only after an `update`, as with stale package lists."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    chromium = tmp_path / "chromium"
    log = tmp_path / "apt.log"
    fake_tool(bin_, "fc-list", "true")
    fake_tool(bin_, "dpkg", "exit 1")
    fake_tool(
        bin_,
        "apt-get",
        f'echo "$*" >> {log}\n'
        f'if [ "$1" = update ]; then touch {tmp_path}/updated; exit 0; fi\n'
        f"[ -e {tmp_path}/updated ] || exit 100\n"
        f'printf "#!/bin/sh\\n" > {chromium}; chmod +x {chromium}',
    )
    env = {**os.environ, "PATH": f"{bin_}:{os.environ['PATH']}", "CHROMIUM": str(chromium)}
    env.pop("CI", None)
    return tmp_path, env, chromium, log


def run(env):
    return subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True)


def test_installs_chromium_and_font_updating_package_lists_only_when_needed(machine):
    _, env, chromium, log = machine
    result = run({**env, "SUDO": ""})
    assert result.returncode == 0, result.stderr
    assert chromium.exists()
    assert log.read_text().splitlines() == [
        "install -y --no-install-recommends chromium fonts-wqy-microhei " + WAIT,
        "update " + WAIT,
        "install -y --no-install-recommends chromium fonts-wqy-microhei " + WAIT,
    ]


def test_present_chromium_and_font_install_nothing(machine, tmp_path):
    _, env, chromium, log = machine
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    fake_tool(tmp_path / "bin", "fc-list", 'echo "wqy-microhei.ttc: WenQuanYi Micro Hei"')
    result = run(env)
    assert result.returncode == 0
    assert not log.exists()


def test_without_root_says_what_to_run_and_fails_only_on_ci(machine, tmp_path):
    _, env, chromium, log = machine
    fake_tool(tmp_path / "bin", "id", "echo 1000")
    fake_tool(tmp_path / "bin", "sudo", "exit 1")  # no password-less sudo
    local = run(env)
    assert local.returncode == 0
    assert "installing needs root" in local.stderr
    assert "apt-get install --no-install-recommends chromium fonts-wqy-microhei" in local.stderr
    assert "browser tests will be skipped" in local.stderr
    on_ci = run({**env, "CI": "true"})
    assert on_ci.returncode == 1
    assert not log.exists() and not chromium.exists()
