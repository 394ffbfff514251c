#!/bin/sh
# Makes sure the programs that process uploaded files are installed, from Debian's packages:
# ffmpeg/ffprobe (lesson videos: renditions, posters, durations), LibreOffice without its
# desktop (documents to PDF for previews) and poppler-utils (pdftoppm: page images).
# Without them the portal still runs: videos play as uploaded, documents are not previewed,
# and the demo has no uploaded video. Called by `make run`, `make pytest`, `make test-browser`.
#
# Overridable for tests of this script: APT_GET, SUDO.
set -u

APT_GET=${APT_GET:-apt-get}
PACKAGES="ffmpeg libreoffice-writer-nogui libreoffice-impress-nogui libreoffice-calc-nogui poppler-utils"
PROGRAMS="ffmpeg ffprobe soffice pdftoppm"

missing() {
    for program in $PROGRAMS; do
        command -v "$program" >/dev/null 2>&1 || return 0
    done
    return 1
}

fail() {
    echo "== media-tools: $1" >&2
    # On CI the video and preview tests must run; locally they skip with a reason instead.
    if [ -n "${CI:-}" ]; then exit 1; fi
    echo "== media-tools: videos will not be transcoded nor documents previewed" >&2
    exit 0
}

if ! missing; then
    exit 0
fi

if [ -z "${SUDO+set}" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        fail "one of $PROGRAMS is missing and installing needs root: run
    sudo apt-get install --no-install-recommends $PACKAGES"
    fi
fi

install() {
    # shellcheck disable=SC2086  # $SUDO and $PACKAGES are word lists
    $SUDO env DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y --no-install-recommends $PACKAGES
}

echo "== media-tools: installing $PACKAGES"
# Only when the package lists are stale or missing is the slower update needed.
if ! install; then
    $SUDO "$APT_GET" update && install || fail "apt-get could not install $PACKAGES"
fi
if missing; then
    fail "one of $PROGRAMS is still missing after installing $PACKAGES"
fi
