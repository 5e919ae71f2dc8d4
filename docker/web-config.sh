#!/bin/sh
# Writes the admin's runtime settings before nginx starts (the nginx image runs /docker-entrypoint.d/*).
# /tmp is writable even with a read-only root file system (Kubernetes mounts an emptyDir there).
set -eu
mkdir -p /tmp/mimsy
base=$(printf '%s' "${MIMSY_API_BASE:-}" | sed 's/[\\"<>]//g')
printf 'window.MIMSY_API_BASE = "%s";\n' "$base" > /tmp/mimsy/config.js
