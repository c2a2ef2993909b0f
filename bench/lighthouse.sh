#!/usr/bin/env bash
# Mobile Lighthouse LCP, RUNS times per public page, on a throw-away demo site.
#
# Usage: bench/lighthouse.sh [RUNS]        (RUNS defaults to 9; from the project root)
#   PAGES="/ /about"   pages to audit (default: home, the first story, its category, About)
#   WORKERS=1          granian workers
#   PYTHON=…           the interpreter with TechPulse installed (default .venv/bin/python)
#
# Builds a temporary instance (its own SQLite database, uploads and secret key, SITE_URL
# https://techpulse.example as a deployment would set it), runs the migrations and the demo
# seeder, serves it with granian on a free port and runs ../shared/tools/lighthouse (or
# $LIGHTHOUSE) against each page in turn, interleaving pages run by run so that a busy moment
# of the (shared) machine does not land on one page only. Prints every LCP with the load
# average, and each page's bytes on the wire (gzipped page + response headers) against the
# ~14,600 bytes a new TCP connection delivers in its first round trip (initcwnd 10).
set -euo pipefail
runs=${1:-9}
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
lighthouse=${LIGHTHOUSE:-$root/../shared/tools/lighthouse}
[ -x "$lighthouse" ] || lighthouse=/work/shared/tools/lighthouse
tmp=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

export TECHPULSE_INSTANCE_PATH=$tmp
export TECHPULSE_DATABASE_URL=sqlite:///$tmp/lighthouse.sqlite
export TECHPULSE_SITE_URL=https://techpulse.example
TECHPULSE_SECRET_KEY=$("$python" -c 'import secrets; print(secrets.token_urlsafe(48))')
export TECHPULSE_SECRET_KEY
export PYTHONPATH=$root${PYTHONPATH:+:$PYTHONPATH}
cd "$root"
"$python" -m flask --app app db upgrade >"$tmp/setup.log" 2>&1
"$python" -m flask --app app seed-demo >>"$tmp/setup.log" 2>&1

# A free port from the kernel (never the lead's 8000/8011–8014: those are not ephemeral).
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$python" -m granian --interface wsgi --host 127.0.0.1 --port "$port" \
  --workers "${WORKERS:-1}" --no-access-log app:app >"$tmp/granian.log" 2>&1 &
server=$!
base=http://127.0.0.1:$port
for _ in $(seq 50); do curl -fs -o /dev/null "$base/" && break; sleep 0.2; done

if [ -z "${PAGES:-}" ]; then
  home=$(curl -fs "$base/")
  story=$(grep -o 'href="/articles/[^"]*"' <<<"$home" | head -1 | cut -d'"' -f2)
  category=$(grep -o 'href="/category/[^"]*"' <<<"$home" | head -1 | cut -d'"' -f2)
  PAGES="/ $story $category /about"
fi
read -r -a pages <<<"$PAGES"

echo "# $(date -u '+%F %H:%M UTC'), $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "not a git checkout"), $runs runs, $base"
for page in "${pages[@]}"; do
  curl -fs -o /dev/null "$base$page"  # warm the page cache: Lighthouse measures a hit
  wire=$(curl -fs -o /dev/null -H 'Accept-Encoding: gzip' -w '%{size_download} %{size_header}' "$base$page")
  read -r body headers <<<"$wire"
  echo "# $page: $body B gzipped + $headers B headers = $((body + headers)) B on the wire"
done

declare -A lcps
for run in $(seq "$runs"); do
  for page in "${pages[@]}"; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    lcp=$("$lighthouse" "$base$page" 2>&1 | sed -n 's/^LCP \([0-9]*\) ms.*/\1/p')
    lcps[$page]="${lcps[$page]:-}${lcps[$page]:+ / }${lcp:-failed} (load $load)"
    echo "run $run $page: LCP ${lcp:-failed} ms at load $load"
  done
done
echo "# LCP in ms, run by run:"
for page in "${pages[@]}"; do echo "$page: ${lcps[$page]}"; done
