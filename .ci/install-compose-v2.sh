#!/usr/bin/env bash
# Installs Compose v2 (Debian trixie's `docker-compose` 2.x package) as a docker CLI plugin, next to the
# bookworm Compose v1 binary the v1 suites use: `docker compose` answers 2.x, `docker-compose` stays 1.x.
#
# The trixie package is fetched with a private apt state (its own sources.list, lists, cache and status
# folders), so the machine's apt setup and installed packages are never touched; only the plugin binary
# is taken out of the .deb (`dpkg -x`) and copied into a folder the docker CLI searches for plugins.
# Idempotent: when the plugin is already in place and answers 2.x it does nothing.
set -euo pipefail

PLUGIN_DIR="${COMPOSE_V2_PLUGIN_DIR:-/usr/local/lib/docker/cli-plugins}"
STATE_DIR="${COMPOSE_V2_APT_DIR:-/var/cache/orchestrator-compose-v2}"
SUITE="${COMPOSE_V2_SUITE:-trixie}"
PLUGIN="$PLUGIN_DIR/docker-compose"

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

installed_version() {
  [ -x "$PLUGIN" ] || return 1
  "$PLUGIN" version --short 2>/dev/null
}

if version="$(installed_version)" && [[ "$version" == 2.* || "$version" == v2.* ]]; then
  echo "compose v2 plugin already installed: $version ($PLUGIN)"
  exit 0
fi

# The machine's own Debian sources, suite names moved to trixie (deb822 .sources and one-line .list).
$SUDO mkdir -p "$STATE_DIR"/{lists/partial,cache/archives/partial,status,extract,parts,prefs}
sources="$STATE_DIR/sources.list"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$file" ] || continue
  grep -E '^\s*deb\s' "$file" | grep -E 'debian' | grep -vE 'security' |
    sed -E "s/(\s)bookworm(-[a-z]+)?(\s)/\1${SUITE}\2\3/" >>"$tmp" || true
done
for file in /etc/apt/sources.list.d/*.sources; do
  [ -f "$file" ] || continue
  # deb822 stanzas: keep those of Debian's main archive, one "deb URI SUITE COMPONENTS" line each.
  awk -v suite="$SUITE" '
    function flush() {
      if (uri ~ /debian/ && uri !~ /security/ && suites ~ /bookworm/) {
        n = split(suites, s, /[ \t]+/)
        for (i = 1; i <= n; i++) if (s[i] != "") {
          sub(/bookworm/, suite, s[i])
          printf "deb [signed-by=%s] %s %s %s\n", (key == "" ? "/usr/share/keyrings/debian-archive-keyring.gpg" : key), uri, s[i], comps
        }
      }
      uri = ""; suites = ""; comps = ""; key = ""
    }
    /^[ \t]*$/ { flush(); next }
    /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uri = $1 }
    /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
    /^Components:/ { sub(/^Components:[ \t]*/, ""); comps = $0 }
    /^Signed-By:/ { sub(/^Signed-By:[ \t]*/, ""); key = $0 }
    END { flush() }
  ' "$file" >>"$tmp"
done
if ! grep -q . "$tmp"; then
  echo "install-compose-v2: no Debian archive found in /etc/apt/sources.list(.d); cannot derive $SUITE sources" >&2
  exit 1
fi
sort -u "$tmp" | $SUDO tee "$sources" >/dev/null
echo "compose v2: apt sources for $SUITE:"
sed 's/^/  /' "$sources"

$SUDO touch "$STATE_DIR/status/status"
APT_OPTS=(
  -o "Dir::Etc::SourceList=$sources"
  -o "Dir::Etc::SourceParts=$STATE_DIR/parts"
  -o "Dir::Etc::Preferences=$STATE_DIR/prefs/none"
  -o "Dir::Etc::PreferencesParts=$STATE_DIR/prefs"
  -o "Dir::State::Lists=$STATE_DIR/lists"
  -o "Dir::State::status=$STATE_DIR/status/status"
  -o "Dir::Cache=$STATE_DIR/cache"
  -o "Dir::Cache::archives=$STATE_DIR/cache/archives"
  -o "APT::Architecture=$(dpkg --print-architecture)"
  -o "Debug::NoLocking=1"
)
$SUDO apt-get "${APT_OPTS[@]}" update -q
work="$(mktemp -d)"
chmod 755 "$work"
trap 'rm -f "$tmp"; rm -rf "$work"' EXIT
(cd "$work" && $SUDO apt-get "${APT_OPTS[@]}" download docker-compose)
deb="$(ls "$work"/docker-compose_*.deb)"
echo "compose v2: downloaded $(basename "$deb")"
$SUDO dpkg -x "$deb" "$work/root"
$SUDO mkdir -p "$PLUGIN_DIR"
$SUDO install -m 0755 "$work/root/usr/libexec/docker/cli-plugins/docker-compose" "$PLUGIN.new"
$SUDO mv -f "$PLUGIN.new" "$PLUGIN"
echo "compose v2 plugin installed: $("$PLUGIN" version --short) ($PLUGIN)"
