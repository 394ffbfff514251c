#!/bin/sh
# Makes sure nginx and wrk (Debian's packages) are installed for `make deploy-smoke`, which
# runs the production layout from deploy/ on loopback and loads it with wrk.
#
# Overridable for tests of this script: APT_GET, SUDO.
set -u

NAME=deploy-tools
PACKAGES="nginx-light wrk"
PROGRAMS="nginx wrk"
WITHOUT="make deploy-smoke cannot run"
# Install only: the smoke test runs its own nginx, the machine needs no server started.
export RUNLEVEL=1

case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
. "$here/debian-packages.sh"
ensure_packages
