#!/bin/sh
# Makes sure the programs that process uploaded files are installed, from Debian's packages:
# ffmpeg/ffprobe (lesson videos: renditions, posters, durations), LibreOffice without its
# desktop (documents to PDF for previews) and poppler-utils (pdftoppm: page images).
# Without them the portal still runs: videos play as uploaded, documents are not previewed,
# and the demo has no uploaded video. Called by `make run`, `make pytest`, `make test-browser`.
#
# Overridable for tests of this script: APT_GET, SUDO.
set -u

NAME=media-tools
PACKAGES="ffmpeg libreoffice-writer-nogui libreoffice-impress-nogui libreoffice-calc-nogui poppler-utils"
PROGRAMS="ffmpeg ffprobe soffice pdftoppm"
WITHOUT="videos will not be transcoded nor documents previewed"

case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
. "$here/debian-packages.sh"
ensure_packages
