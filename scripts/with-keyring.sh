#!/usr/bin/env bash
# Runs a command with a real, unlocked gnome-keyring in a private D-Bus session (docs/ARCHITECTURE.md, style rule 12),
# so keychain tests use the real Secret Service and never touch the user's own keyring.
set -euo pipefail
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "with-keyring: '$tool' is missing: install the Debian packages dbus and gnome-keyring (see README)." >&2; exit 1; }
done
KR=$(mktemp -d)
trap 'rm -rf "$KR"' EXIT
mkdir -p "$KR/data" "$KR/run"
chmod 700 "$KR/run"
export HOIST_KEYRING_DIR="$KR"
exec dbus-run-session -- bash -c '
  export XDG_DATA_HOME="$HOIST_KEYRING_DIR/data" XDG_RUNTIME_DIR="$HOIST_KEYRING_DIR/run"
  echo "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null  # the newline matters
  exec "$@"' with-keyring "$@"
