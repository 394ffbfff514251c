"""`make media-tools` (scripts/install-media-tools.sh): ffmpeg, LibreOffice and poppler-utils
from Debian's packages when one of their programs is missing. apt-get and the tools it asks
are stand-ins here (a PATH of their own), so nothing is installed."""

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "install-media-tools.sh"
PROGRAMS = ("ffmpeg", "ffprobe", "soffice", "pdftoppm")


def tool(folder, name, body):
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A PATH with none of the programs, whose apt-get logs its calls and "installs" them."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    log = tmp_path / "apt.log"
    (bin_ / "env").symlink_to("/usr/bin/env")
    installs = "; ".join(
        f'echo "#!/bin/sh" > {bin_}/{p}; /bin/chmod +x {bin_}/{p}' for p in PROGRAMS
    )
    tool(bin_, "apt-get", f'echo "$*" >> {log}\nif [ "$1" = install ]; then {installs}; fi')
    env = {"PATH": str(bin_), "HOME": str(tmp_path)}
    return bin_, env, log


def run(env):
    return subprocess.run(["/bin/sh", str(SCRIPT)], env=env, capture_output=True, text=True)


def test_installs_the_debian_packages_when_a_program_is_missing(machine):
    bin_, env, log = machine
    tool(bin_, "id", "echo 0")
    result = run(env)
    assert result.returncode == 0, result.stderr
    assert all(os.access(bin_ / p, os.X_OK) for p in PROGRAMS)
    assert "still missing" not in result.stderr
    assert log.read_text().split("\n")[0] == (
        "install -y --no-install-recommends ffmpeg libreoffice-writer-nogui "
        "libreoffice-impress-nogui libreoffice-calc-nogui poppler-utils "
        "-o DPkg::Lock::Timeout=300"  # waits for an install running beside it (make test)
    )
    # Everything there now: a second run asks apt-get nothing.
    log.unlink()
    assert run(env).returncode == 0
    assert not log.exists()


def test_without_root_it_says_what_to_run_and_fails_only_on_ci(machine):
    bin_, env, log = machine
    tool(bin_, "id", "echo 1000")
    local = run(env)
    assert local.returncode == 0
    assert "sudo apt-get install --no-install-recommends ffmpeg" in local.stderr
    assert "videos will not be transcoded" in local.stderr
    assert run({**env, "CI": "1"}).returncode == 1
    assert not log.exists()
