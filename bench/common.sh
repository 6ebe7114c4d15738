# Shared by bench/load and bench/soak (sourced, not run): installs wrk, builds the release
# binary, imports the seeds plus synthetic articles into a temporary database, serves it on a
# free loopback port and lists the paths the load mixes. Everything it starts is stopped, and
# the temporary folder removed, when the calling script exits (KEEP_TMP=1 keeps the folder).
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/target/release/entente"
SYNTHETIC_ARTICLES="${SYNTHETIC_ARTICLES:-300}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/entente-bench.XXXXXX")"
SERVER_PID=""
# Processes this script started in the background (the server, a soak's wrk), stopped on exit.
BACKGROUND=()

say() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
die() { say "error: $*"; exit 1; }

cleanup() {
  local pid
  for pid in "${BACKGROUND[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [ "${KEEP_TMP:-0}" = 1 ]; then
    say "kept $TMP"
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wrk from Debian, curl and python3; apt-get update only when the plain install fails.
install_tools() {
  local missing=()
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

build_release() {
  say "building the release binary"
  (cd "$ROOT" && cargo build --release --quiet)
  [ -x "$BIN" ] || die "no binary at $BIN after the build"
}

# Writes $1 synthetic articles into folder $2: leaders meeting on dated days, quotes in every
# kind of mark, unnamed sources, outlets reporting via others. Seeded, so runs are comparable.
generate_articles() {
  python3 - "$1" "$2" <<'PY'
import datetime, os, random, sys

count, folder = int(sys.argv[1]), sys.argv[2]
rng = random.Random(2026)
leaders = ["Emmanuel Macron", "Donald Trump", "Keir Starmer", "Volodymyr Zelenskyy",
           "Friedrich Merz", "Vladimir Putin", "Mark Rutte", "Ursula von der Leyen",
           "Giorgia Meloni", "Donald Tusk", "Marco Rubio", "Steve Witkoff", "Kaja Kallas"]
titles = ["French President", "the UK Prime Minister", "the German chancellor", "Ukrainian President"]
places = ["Paris", "London", "Washington", "Kyiv", "Brussels", "Rome", "Berlin", "Riyadh", "Istanbul"]
outlets = ["Reuters", "Politico", "The Kyiv Independent", "Le Monde", "AP", "Financial Times", "DW"]
verbs = ["met", "held talks with", "spoke with", "hosted", "briefed", "called"]
topics = ["security guarantees", "a ceasefire", "peacekeepers", "the reassurance force",
          "sanctions on Russia", "air defence", "peace talks", "a US backstop"]
sources = ["a senior EU official", "two people familiar with the talks", "a French diplomat",
           "one NATO official", "an aide"]
said = ["said", "told reporters", "wrote on X", "told Le Figaro", "added"]
marks = [("“", "”"), ('"', '"'), ("« ", " »"), ("„", "“")]
start = datetime.date(2025, 2, 1)
for n in range(count):
    published = start + datetime.timedelta(days=rng.randrange(0, 240))
    a, b = rng.sample(leaders, 2)
    lines = []
    for _ in range(rng.randrange(5, 12)):
        day = published - datetime.timedelta(days=rng.randrange(0, 10))
        when = rng.choice([day.strftime("on %b. %-d"), day.strftime("on %-d %B"),
                           day.strftime("on %A"), "last week", "earlier this week"])
        x, y = rng.sample(leaders, 2)
        topic = rng.choice(topics)
        open_, close = rng.choice(marks)
        kind = rng.randrange(4)
        if kind == 0:
            lines.append(f"{x} {rng.choice(verbs)} {y} in {rng.choice(places)} {when} to discuss {topic}.")
        elif kind == 1:
            lines.append(f"{open_}We will not accept any deal on {topic} without Ukraine at the table,{close} "
                         f"{x} {rng.choice(said)} {when}.")
        elif kind == 2:
            lines.append(f"{rng.choice(titles)} warned {when} that {topic} would take weeks, "
                         f"according to {rng.choice(sources)}.")
        else:
            lines.append(f"{rng.choice(sources).capitalize()} said: {open_}There is still no agreement on "
                         f"{topic}, and {y} knows it.{close}")
        if rng.random() < 0.3:
            lines.append("")
    outlet = rng.choice(outlets)
    via = rng.choice(outlets)
    body = "\n".join(lines)
    text = (f"---\ntitle: {a} and {b} discuss {rng.choice(topics)} (report {n})\noutlet: {outlet}\n"
            f"via: {via}\npublished: {published.isoformat()}\nlanguage: en\n---\n{body}\n")
    with open(os.path.join(folder, f"synthetic_{n:04d}.txt"), "w", encoding="utf-8") as f:
        f.write(text)
PY
}

# Imports the seeds and the synthetic articles into $TMP/db.
prepare_db() {
  mkdir -p "$TMP/articles"
  generate_articles "$SYNTHETIC_ARTICLES" "$TMP/articles"
  say "importing the seeds and $SYNTHETIC_ARTICLES synthetic articles"
  (cd "$ROOT" && "$BIN" import --db "$TMP/db" --seeds seeds seeds "$TMP/articles") >"$TMP/import.log" 2>&1 \
    || { cat "$TMP/import.log" >&2; die "import failed"; }
  tail -n 1 "$TMP/import.log" >&2
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts the server on PORT (or a free port) and waits until it answers; sets BASE.
start_server() {
  PORT="${PORT:-$(free_port)}"
  BASE="http://127.0.0.1:$PORT"
  "$BIN" serve --db "$TMP/db" --addr "127.0.0.1:$PORT" >"$TMP/server.log" 2>&1 &
  SERVER_PID=$!
  BACKGROUND+=("$SERVER_PID")
  local i
  for i in $(seq 1 100); do
    if curl -fsS -o /dev/null "$BASE/static/style.css" 2>/dev/null; then
      say "server $SERVER_PID listening on $BASE"
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; die "the server exited"; }
    [ "$i" -eq 100 ] || sleep 0.1
  done
  cat "$TMP/server.log" >&2
  die "the server did not answer on $BASE within 10 s"
}

# Writes $TMP/paths.txt: a mix of every page kind over real slugs (from the JSON twins), and
# checks that each path answers 2xx or 3xx before any load is put on it.
write_paths() {
  curl -fsS "$BASE/actors.json" >"$TMP/actors.json"
  curl -fsS "$BASE/sources.json" >"$TMP/sources.json"
  curl -fsS "$BASE/timeline.json" >"$TMP/timeline.json"
  python3 - "$TMP" >"$TMP/paths.txt" <<'PY'
import json, sys, urllib.parse

tmp = sys.argv[1]
load = lambda name: json.load(open(f"{tmp}/{name}.json", encoding="utf-8"))
actors = [a for a in load("actors")["actors"] if a.get("quotes") or a.get("events")]
sources = load("sources")["sources"]
events = load("timeline")["events"]
people = [a["slug"] for a in actors if a.get("kind") == "person"][:12]
places = [a["slug"] for a in actors if a.get("kind") != "person"][:6]
topics = sorted({t for e in events for t in e.get("topics", [])})
months = sorted({e["date"][:7] for e in events if e.get("date")})
kinds = sorted({e["kind"] for e in events if e.get("kind")})
q = urllib.parse.quote
paths = ["/", "/timeline", "/actors", "/sources", "/topics", "/timeline.json", "/timeline.csv",
         "/timeline.atom", "/timeline.ics", "/actors.json", "/actors.csv", "/sources.json", "/sources.csv"]
for i, p in enumerate(people):
    paths += [f"/actors/{p}", f"/?actor={p}", f"/timeline.json?actor={p}"]
    if topics:
        paths.append(f"/?actor={p}&topic={topics[i % len(topics)]}")
    if i + 1 < len(people):
        paths.append(f"/compare?actor={p}&actor={people[i + 1]}")
        if topics:
            paths.append(f"/compare?actor={p}&actor={people[i + 1]}&topic={topics[i % len(topics)]}")
paths += [f"/actors/{p}" for p in places]
paths += [f"/sources/{s['slug']}" for s in sources[:25]]
paths += [f"/sources/{s['slug']}?explain=1" for s in sources[:3]]
paths += [f"/events/{e['slug']}" for e in events[:25]]
paths += [f"/topics/{t}" for t in topics] + [f"/?topic={t}" for t in topics] + [f"/timeline.atom?topic={t}" for t in topics[:3]]
paths += [f"/?month={m}" for m in months] + [f"/timeline.ics?month={m}" for m in months[:3]]
paths += [f"/?kind={k}" for k in kinds] + [f"/timeline.csv?kind={k}" for k in kinds[:3]]
paths += ["/?from=2025-03-01&to=2025-05-31", "/?from=2025-06-01", "/?to=2025-03-15"]
paths += [f"/?q={q(w)}" for w in ["security guarantees", "ceasefire", "Macron", "backstop", "peacekeepers", "no such words"]]
paths.append("/timeline.json?q=ceasefire")
print("\n".join(paths))
PY
  local path code bad=0 redirects=0
  while IFS= read -r path; do
    code="$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")"
    case "$code" in
      2??) ;;
      3??) redirects=$((redirects + 1)) ;;
      *) say "GET $path answered $code"; bad=$((bad + 1)) ;;
    esac
  done <"$TMP/paths.txt"
  [ "$bad" -eq 0 ] || die "$bad of the mixed paths do not answer 2xx or 3xx"
  say "$(wc -l <"$TMP/paths.txt") paths, $redirects of them redirects (canonical URLs)"
}

# The value of NAME=... in wrk's RESULT line $1.
result_field() {
  local rest="${1#* "$2"=}"
  [ "$rest" != "$1" ] || die "no $2 in: $1"
  printf '%s' "${rest%% *}"
}

# Reads wrk's RESULT line from file $1 into the R_* variables the scripts print.
# shellcheck disable=SC2034 # the variables are read by the scripts that source this file
read_result() {
  local line
  line="$(grep '^RESULT ' "$1" | tail -n 1)" || die "wrk printed no RESULT line (see $1)"
  R_requests="$(result_field "$line" requests)"
  R_seconds="$(result_field "$line" seconds)"
  R_rps="$(result_field "$line" rps)"
  R_p50_ms="$(result_field "$line" p50_ms)"
  R_p90_ms="$(result_field "$line" p90_ms)"
  R_p99_ms="$(result_field "$line" p99_ms)"
  R_max_ms="$(result_field "$line" max_ms)"
  R_connect="$(result_field "$line" connect)"
  R_read="$(result_field "$line" read)"
  R_write="$(result_field "$line" write)"
  R_timeout="$(result_field "$line" timeout)"
  R_status="$(result_field "$line" status)"
  R_errors=$((R_connect + R_read + R_write + R_timeout + R_status))
}
