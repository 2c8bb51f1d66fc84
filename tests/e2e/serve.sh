#!/bin/bash
# hearth serve: starts on a free loopback port, serves the built site with
# the right types, refuses to leave it, injects the reload script only in
# what it serves, and after an edit rebuilds, serves the new page and tells
# open pages to reload (or, for a broken edit, shows the error and keeps
# serving the last good site).
. "$(dirname "$0")/../lib.sh"

site=$(mksite mini)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "${evpid:-}" ] && kill "$evpid" 2>/dev/null
	rm -rf "$site"
}
trap cleanup EXIT
# Straight to the server, whatever proxy the environment names.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
get() { curl -s --path-as-is --max-time 20 "$@"; }

(cd "$site" && exec "$HEARTH" serve -v --port 0 --idle-timeout 2 >serve.out 2>serve.err) &
pid=$!
for _ in $(seq 1 300); do
	grep -q '^serving ' "$site/serve.out" 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
url=$(sed -n 's|^serving public/ at \(http://[^ ]*\) .*|\1|p' "$site/serve.out")
case $url in
http://127.0.0.1:[0-9]*/) ok "serve: builds, then listens on a loopback port ($url)" ;;
*)	notok "serve: builds, then listens on a loopback port" \
	    "$(cat "$site/serve.out" "$site/serve.err" 2>/dev/null)"
	exit 0 ;;
esac
port=${url#http://127.0.0.1:}
port=${port%/}
if ss -ltnH "sport = :$port" | awk '{print $4}' | grep -qx "127.0.0.1:$port"; then
	ok "serve: bound to 127.0.0.1 only"
else
	notok "serve: bound to 127.0.0.1 only" "$(ss -ltn "sport = :$port")"
fi

# status and Content-Type of a path
st() { get -o /dev/null -w '%{http_code} %{content_type}' "$url${1#/}"; }
expect() {
	local path=$1 want=$2 got
	got=$(st "$path")
	if [ "$got" = "$want" ]; then ok "serve: $path -> $want"
	else notok "serve: $path -> $want" "got: $got"; fi
}
expect / "200 text/html; charset=utf-8"
expect /news/one/ "200 text/html; charset=utf-8"
expect /data/stations.geojson "200 application/geo+json"
expect /data/catalog.jsonld "200 application/ld+json"
expect /data/news.csv "200 text/csv; charset=utf-8; header=present"
expect /data/news.json "200 application/json"
expect /feed.xml "200 application/xml"
expect /assets/style.css "200 text/css; charset=utf-8"
expect /no/such/page/ "404 text/html; charset=utf-8"

# DNS rebinding: a page of another site whose name now resolves to
# 127.0.0.1 sends its own name as Host.  Only localhost and IP addresses
# are answered; a name gets 421 and nothing of the site.
for host in evil.example "evil.example:$port" "127.0.0.1.evil.example" "localhost.evil.example:$port"; do
	got=$(get -H "Host: $host" -w ' %{http_code}' "${url}news/one/")
	if [ "${got##* }" = 421 ] && ! grep -q '第一条新闻' <<< "$got"; then
		ok "serve: Host $host is refused (421), nothing of the site"
	else
		notok "serve: Host $host is refused (421)" "$got"
	fi
done
for host in "localhost:$port" localhost "127.0.0.1:$port" "[::1]:$port"; do
	got=$(get -H "Host: $host" -o /dev/null -w '%{http_code}' "${url}news/one/")
	[ "$got" = 200 ] && ok "serve: Host $host is answered" ||
	    notok "serve: Host $host is answered" "got $got"
done
got=$(get -H "Host: evil.example" -w ' %{http_code}' "${url}__hearth/events")
[ "${got##* }" = 421 ] && ok "serve: the event stream refuses another site's name too" ||
    notok "serve: the event stream refuses another site's name too" "$got"

# Idle connections: 70 that connect and send nothing are closed after the
# idle timeout (2 s here); once they are, a normal request is answered.
idle=$(python3 - "$port" <<'PYEOF'
import socket, sys, time
port = int(sys.argv[1])
socks = []
for _ in range(70):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(10)
    socks.append(s)
time.sleep(4)
closed = 0
for s in socks:
    try:
        if s.recv(1) == b"":
            closed += 1
    except OSError:
        closed += 1
print(closed)
PYEOF
)
for _ in 1 2 3; do
	got=$(st /)
	[ "$got" = "200 text/html; charset=utf-8" ] && break
	sleep 1
done
if [ "$idle" = 70 ] && [ "$got" = "200 text/html; charset=utf-8" ]; then
	ok "serve: 70 idle connections are closed after the idle timeout; the site is still served"
else
	notok "serve: idle connections are closed after the idle timeout" \
	    "closed: $idle of 70; then: $got"
fi

got=$(get -o /dev/null -w '%{http_code} %{redirect_url}' "${url}news")
if [ "$got" = "301 ${url}news/" ]; then ok "serve: a folder without its slash redirects"
else notok "serve: a folder without its slash redirects" "got: $got"; fi

# No way out of the site: dot segments, encoded or not, and hidden files.
leaked=
for p in /../hearth.yaml /%2e%2e/hearth.yaml /news/..%2f..%2fhearth.yaml \
    /./index.html /..%5chearth.yaml /.public.lock //etc/passwd; do
	body=$(get -w '\n%{http_code}' "$url${p#/}")
	code=${body##*$'\n'}
	case $code in 4??) ;; *) leaked="$leaked $p($code)" ;; esac
	grep -q '^base_url:\|^root:' <<<"$body" && leaked="$leaked $p(content)"
done
if [ -z "$leaked" ]; then ok "serve: no path reaches outside the site"
else notok "serve: no path reaches outside the site" "answered:$leaked"; fi
got=$(get -o /dev/null -w '%{http_code}' -X POST "$url")
if [ "$got" = 405 ]; then ok "serve: only GET and HEAD"
else notok "serve: only GET and HEAD" "POST answered $got"; fi

# The reload script: in what is served, never in what is published.
page=$(get "${url}news/one/")
if grep -q '<script src="/__hearth/reload.js" data-gen="[0-9]*"></script></body>' <<<"$page" &&
    ! grep -rq __hearth "$site/public"; then
	ok "serve: the reload script is added to served pages, not to public/"
else
	notok "serve: the reload script is added to served pages, not to public/" \
	    "$(grep -rl __hearth "$site/public" | head -3)"
fi
js=$(get -w '\n%{content_type}' "${url}__hearth/reload.js")
if grep -q "new EventSource('/__hearth/events" <<<"$js" &&
    grep -q 'text/javascript' <<<"${js##*$'\n'}"; then
	ok "serve: the reload script is served"
else
	notok "serve: the reload script is served" "$js"
fi

# Follow the event stream from the page's generation, then edit.
gen=$(sed -n 's|.*data-gen="\([0-9]*\)".*|\1|p' <<<"$page" | head -1)
get -N "${url}__hearth/events?gen=$gen" >"$site/events" &
evpid=$!
sleep 0.5
before=$(stat -c %Y "$site/public/news/two/index.html")
sed -i 's/^title: .*/title: 改过的标题/' "$site/content/news/one.md"
new=
for _ in $(seq 1 600); do
	if get "${url}news/one/" | grep -q '<title>改过的标题'; then new=1; break; fi
	sleep 0.1
done
if [ -n "$new" ]; then ok "serve: an edited news item is rebuilt and served"
else notok "serve: an edited news item is rebuilt and served" "$(tail -5 "$site/serve.err")"; fi
for _ in $(seq 1 100); do
	grep -q '^event: reload' "$site/events" && break
	sleep 0.1
done
if grep -q '^event: reload' "$site/events"; then ok "serve: open pages get a reload event"
else notok "serve: open pages get a reload event" "$(cat "$site/events")"; fi
if [ "$(stat -c %Y "$site/public/news/two/index.html")" = "$before" ]; then
	ok "serve: the rebuild leaves unchanged pages alone (same mtime)"
else
	notok "serve: the rebuild leaves unchanged pages alone (same mtime)"
fi

# Follow news/one/'s event stream, as its page in a browser does, into
# events2, from the generation it shows; rebuilt counts the rebuilds so far.
follow_one() {
	local page
	page=$(get "${url}news/one/")
	gen=$(sed -n 's|.*data-gen="\([0-9]*\)".*|\1|p' <<<"$page" | head -1)
	: >"$site/events2"
	get -N "${url}__hearth/events?gen=$gen&page=%2Fnews%2Fone%2F" >"$site/events2" &
	evpid2=$!
	sleep 0.5
	rebuilt=$(grep -c '^rebuilt in' "$site/serve.err")
}

# Wait for the reload event of news/one/ (events2).
reloaded() {
	for _ in $(seq 1 600); do
		grep -q '^event: reload' "$site/events2" && break
		sleep 0.05
	done
}

# Was file $1 made first by the held model, before the last rebuild ended?
held_first() {
	grep -q "^$1 made first by the held model, in [0-9]* ms\$" "$site/serve.err" &&
	    [ "$(grep -n "^$1 made first" "$site/serve.err" | tail -1 | cut -d: -f1)" -lt \
	    "$(grep -n '^rebuilt in' "$site/serve.err" | tail -1 | cut -d: -f1)" ]
}

# Wait for a rebuild after the $rebuilt so far.
rebuilt_since() {
	for _ in $(seq 1 600); do
		[ "$(grep -c '^rebuilt in' "$site/serve.err")" -gt "$rebuilt" ] && return
		sleep 0.1
	done
}

# The held model follows every edit, whatever the open pages are: with
# only the data page open (never its to make), edits of a text leave the
# same held model running.  (The first edit's reload event also ends the
# event streams of pages closed before.)
page=$(get "${url}data/")
gen=$(sed -n 's|.*data-gen="\([0-9]*\)".*|\1|p' <<<"$page" | head -1)
get -N "${url}__hearth/events?gen=$gen&page=%2Fdata%2F" >/dev/null &
evpid2=$!
sleep 0.5
for i in 1 2 3; do
	rebuilt=$(grep -c '^rebuilt in' "$site/serve.err")
	printf '\n数据页开着时的第 %d 句。\n' "$i" >>"$site/content/news/one.md"
	rebuilt_since
	sleep 0.5
	[ "$i" = 1 ] && held=$(pgrep -P "$pid" -f -- '--hold')
done
kill "$evpid2" 2>/dev/null
if [ -n "$held" ] && [ "$(pgrep -P "$pid" -f -- '--hold')" = "$held" ] &&
    grep -q '数据页开着时的第 3 句' "$site/public/news/one/index.html"; then
	ok "serve: the held model follows text edits whose open page it does not make"
else
	notok "serve: the held model follows text edits whose open page it does not make" \
	    "held: '$held' then '$(pgrep -P "$pid" -f -- '--hold')'"
fi
# The open page first: a page followed by its event stream is made before
# the rest of the site and reloads with the edit in it; the page it then
# shows is of the generation the build publishes, so it does not reload
# again when the build, publishing the same bytes, ends.
follow_one
printf '\n先行预览的一句话。\n' >>"$site/content/news/one.md"
reloaded
page=$(get "${url}news/one/")
kill "$evpid2" 2>/dev/null
rebuilt_since
if grep -q '先行预览的一句话' <<<"$page" && held_first news/one/index.html; then
	ok "serve: the open page is made first (held model), and reloads with the edit"
else
	notok "serve: the open page is made first (held model), and reloads with the edit" \
	    "$(cat "$site/events2"; tail -5 "$site/serve.err")"
fi
gen2=$(sed -n 's|.*data-gen="\([0-9]*\)".*|\1|p' <<<"$page" | head -1)
get -N --max-time 2 "${url}__hearth/events?gen=$gen2&page=%2Fnews%2Fone%2F" >"$site/events3"
published=$(get "${url}news/one/")
if ! grep -q '^event:' "$site/events3" && [ "$published" = "$page" ] &&
    grep -q '先行预览的一句话' "$site/public/news/one/index.html"; then
	ok "serve: the page shown first is the one published: no second reload"
else
	notok "serve: the page shown first is the one published: no second reload" \
	    "gen $gen -> $gen2; $(cat "$site/events3")"
fi
# An edit of the front matter (a title is on other pages too) is taken
# by the held model as well: it makes the open page first.
follow_one
held=$(grep -c 'made first by the held model' "$site/serve.err")
sed -i 's/^title: .*/title: 再次改过的标题/' "$site/content/news/one.md"
rebuilt_since
kill "$evpid2" 2>/dev/null
if grep -q '^event: reload' "$site/events2" &&
    [ "$(grep -c 'made first by the held model' "$site/serve.err")" -gt "$held" ] &&
    [ "$(grep '^news/one/index.html made first' "$site/serve.err" | tail -1 | grep -c 'held')" = 1 ] &&
    get "${url}news/one/" | grep -q '<title>再次改过的标题'; then
	ok "serve: a front matter edit is made first by the held model too"
else
	notok "serve: a front matter edit is made first by the held model too" \
	    "$(cat "$site/events2"; tail -5 "$site/serve.err")"
fi
# A style sheet of the site's own theme (themes/default/static/): once the
# site has it (a file added: the build makes that), an edit of it is taken
# by the held model, which sends it; the open page reloads and is served
# the new style sheet before the build publishes it.
rebuilt=$(grep -c '^rebuilt in' "$site/serve.err")
mkdir -p "$site/themes/default/static"
printf 'body { color: #222; }\n' >"$site/themes/default/static/style.css"
rebuilt_since
sleep 0.5
follow_one
printf '/* 新的样式 */\n' >>"$site/themes/default/static/style.css"
reloaded
css=$(get "${url}assets/style.css")
kill "$evpid2" 2>/dev/null
rebuilt_since
if grep -q '新的样式' <<<"$css" && ! grep -q '<script' <<<"$css" &&
    held_first assets/style.css &&
    grep -q '新的样式' "$site/public/assets/style.css"; then
	ok "serve: a theme's style sheet is taken by the held model, open pages reload with it"
else
	notok "serve: a theme's style sheet is taken by the held model, open pages reload with it" \
	    "$(cat "$site/events2"; printf '%s\n' "$css"; grep 'style.css\|rebuilt' "$site/serve.err" | tail -5)"
fi
# A page path that leaves the site is followed as no page at all.
get -N --max-time 1 "${url}__hearth/events?gen=$gen2&page=%2F..%2F..%2Fetc%2Fpasswd" >/dev/null
get -N --max-time 1 "${url}__hearth/events?gen=$gen2&page=%2F.hearth%2Fx" >/dev/null
# Nor does a page of another site choose what is made first.
get -N -H 'Origin: http://evil.example' "${url}__hearth/events?gen=$gen2&page=%2Fnews%2Ftwo%2F" >/dev/null &
evpid2=$!
sleep 0.5
rebuilt=$(grep -c '^rebuilt in' "$site/serve.err")
printf '\n别的网站看不见的一句话。\n' >>"$site/content/news/two.md"
rebuilt_since
kill "$evpid2" 2>/dev/null
if grep -q '别的网站看不见的一句话' "$site/public/news/two/index.html" &&
    ! grep -q '^news/two/index.html made first' "$site/serve.err"; then
	ok "serve: a page of another site does not choose the pages made first"
else
	notok "serve: a page of another site does not choose the pages made first" \
	    "$(tail -5 "$site/serve.err")"
fi

# Readers who closed their pages (the streams above, cut) are no news to
# the editor: nothing of the HTTP library's own, in English, is printed.
if ! grep -Eq 'Failed to|socket|Error:' "$site/serve.err"; then
	ok "serve: pages closed by their readers print nothing"
else
	notok "serve: pages closed by their readers print nothing" \
	    "$(grep -E 'Failed to|socket|Error:' "$site/serve.err" | head -3)"
fi

# A broken edit: the error reaches open pages; the last good site stays.
# A page open now follows the stream afresh (get's 20 s would have ended
# the one above on a slow machine).
kill "$evpid" 2>/dev/null
page=$(get "${url}news/one/")
gen=$(sed -n 's|.*data-gen="\([0-9]*\)".*|\1|p' <<<"$page" | head -1)
get -N --max-time 120 "${url}__hearth/events?gen=$gen" >"$site/events" &
evpid=$!
sleep 0.5
printf -- '---\ntitle: [unclosed\n---\n' >"$site/content/news/bad.md"
for _ in $(seq 1 600); do
	grep -q '^event: failed' "$site/events" && break
	sleep 0.1
done
if grep -q '^data: content/news/bad.md:[0-9]*:[0-9]*: error: ' "$site/events"; then
	ok "serve: a failed rebuild sends its error to open pages"
else
	notok "serve: a failed rebuild sends its error to open pages" "$(cat "$site/events")"
fi
if get "${url}news/one/" | grep -q '<title>再次改过的标题'; then
	ok "serve: after a failed rebuild the last good site is served"
else
	notok "serve: after a failed rebuild the last good site is served"
fi
kill "$evpid" 2>/dev/null
evpid=

# SIGTERM stops it cleanly (and, under the sanitizers, without leaks).
kill -TERM "$pid"
if wait "$pid"; then ok "serve: stops on SIGTERM with status 0"
else notok "serve: stops on SIGTERM with status 0" "$(tail -20 "$site/serve.err")"; fi
pid=

# What serve asks of the build: --preview's pages sent first to the
# descriptor, each exactly what the build then publishes (those the
# stations shape once the maps are drawn); the data pages (the files'
# checksums) and brand pages (which a county shapes) are left to the
# build, as are pages the site does not have.
rm "$site/content/news/bad.md"
printf '\n再改一句。\n' >>"$site/content/news/one.md"
args=()
while IFS= read -r f; do
	args+=(--preview "$f")
done < <(cd "$site/public" && find . -name '*.html' | sed 's|^\./||' | LC_ALL=C sort)
args+=(--preview no/such/index.html --preview ../hearth.yaml)
if "$HEARTH" build -q -C "$site" --preview-fd 3 "${args[@]}" 3>"$site/previews"; then
	got=$(python3 - "$site/previews" "$site/public" <<'PY'
import os, sys
data = open(sys.argv[1], 'rb').read()
i, sent, bad = 0, [], []
while i < len(data):
    a = data.index(b'\n', i); b = data.index(b'\n', a + 1)
    f, n = data[i:a].decode(), int(data[a + 1:b])
    body, i = data[b + 1:b + 1 + n], b + 1 + n
    sent.append(f)
    if open(os.path.join(sys.argv[2], f), 'rb').read() != body:
        bad.append(f)
print(' '.join(sorted(sent)), '|', ' '.join(bad))
PY
)
else
	got="build failed"
fi
sent=${got%% |*}
case " $sent " in
*" news/one/index.html "*" news/three/index.html "*)
	if [[ "$got" == *"| " || "$got" == *"|" ]] &&
	    ! grep -Eq '(^| )(data/|counties/[0-9]*/brand/|no/|\.\.)' <<<"$sent" &&
	    grep -Eq '(^| )index.html( |$)' <<<"$sent" &&
	    grep -q ' stations/990101001/index.html ' <<<"$sent" &&
	    grep -q ' counties/990101/index.html ' <<<"$sent" &&
	    grep -q 'news/index.html' <<<"$sent" && grep -q 'search/index.html' <<<"$sent"; then
		ok "serve: the build sends the pages asked for first, each as published"
	else
		notok "serve: the build sends the pages asked for first, each as published" "$got"
	fi ;;
*)	notok "serve: the build sends the pages asked for first, each as published" "$got" ;;
esac

# The held model, as serve drives it: ready, then for an edit of a news
# item's text or front matter the pages asked for, each exactly what the
# build then publishes; for anything more (a file swapped for a link to
# one outside the site with the same front matter, an item made a draft,
# front matter the build refuses, a file added) nothing, and it ends.
"$HEARTH" build -q -C "$site" >/dev/null 2>&1
got=$(python3 - "$HEARTH" "$site" <<'PY'
import os, subprocess, sys
hearth, site = sys.argv[1], sys.argv[2]
pages = sorted(os.path.relpath(os.path.join(d, f), site + '/public')
               for d, _, fs in os.walk(site + '/public') for f in fs
               if f.endswith('.html'))

def start():
    r, w = os.pipe()
    p = subprocess.Popen([hearth, 'build', '-C', site, '--hold',
                          '--preview-fd', '3'], stdin=subprocess.PIPE,
                         stderr=subprocess.DEVNULL,
                         preexec_fn=lambda: os.dup2(w, 3), close_fds=False)
    os.close(w)
    return p, os.fdopen(r, 'rb')

def answer(f):
    sent = {}
    while True:
        name = f.readline()
        if name in (b'\n', b''):
            return sent, name == b'\n'
        n = int(f.readline())
        sent[name[:-1].decode()] = f.read(n)

def ask(p, f):
    p.stdin.write(('\n'.join(pages) + '\n\n').encode())
    p.stdin.flush()
    return answer(f)

def build():
    subprocess.run([hearth, 'build', '-q', '-C', site], check=True)

def refused(change, p, f):
    """Asked after an edit it cannot take: what it sent, and whether it
    ended once its input did."""
    sent, ended = ask(p, f)
    p.stdin.close()
    return '%s: %d sent, %s' % (change, len(sent), 'ends' if
                                p.wait() == 0 and f.read() == b''
                                else 'GOES ON')

out = []
p, f = start()
out.append('ready' if answer(f) == ({}, True) else 'not ready')
one = os.path.join(site, 'content/news/one.md')
with open(one, 'a') as fp:
    fp.write('\n留在模型里的一句话。\n')
sent, ended = ask(p, f)
build()
same = all(open(os.path.join(site, 'public', k), 'rb').read() == v
           for k, v in sent.items())
out.append('body: %s sent, %s, %s' % (
    'one' if 'news/one/index.html' in sent and
    '留在模型里的一句话'.encode() in sent['news/one/index.html'] else 'no one',
    'as published' if same else 'NOT as published',
    'no data page' if not any(k.startswith('data/') for k in sent)
    else 'DATA PAGES'))
# A second edit of the same text: the model follows.
with open(one, 'a') as fp:
    fp.write('\n又一句。\n')
sent, ended = ask(p, f)
out.append('again: %s' % ('follows' if '又一句'.encode() in
           sent.get('news/one/index.html', b'') else 'STALE'))
# Its front matter: a new title, date and tags.  Every page sent is the
# build's, the item's own, the lists it moved in and its new tag's among
# them; then its text again.
text = open(one).read()
with open(one, 'w') as fp:
    fp.write(text.replace('title: 第一条新闻', 'title: 改过的标题', 1)
             .replace('date: 2023-06-01', 'date: 2023-06-02', 1)
             .replace('养老服务]', '新的标签]', 1))
asked = pages + ['tags/新的标签/index.html']
p.stdin.write(('\n'.join(asked) + '\n\n').encode())
p.stdin.flush()
sent, ended = answer(f)
build()
same = all(open(os.path.join(site, 'public', k), 'rb').read() == v
           for k, v in sent.items())
mine = sent.get('news/one/index.html', b'')
out.append('front: %s, %s, %s, %s' % (
    'new title' if '改过的标题'.encode() in mine else 'OLD TITLE',
    'tag' if 'tags/新的标签/index.html' in sent else 'NO TAG',
    'lists' if 'news/index.html' in sent else 'NO LISTS',
    'as published' if same else 'NOT as published: %s' % ' '.join(
        k for k, v in sent.items() if open(os.path.join(site, 'public', k),
                                           'rb').read() != v)))
with open(one, 'a') as fp:
    fp.write('\n再一句。\n')
sent, ended = ask(p, f)
out.append('then: %s' % ('follows' if '再一句'.encode() in
           sent.get('news/one/index.html', b'') else 'STALE'))
# A station renamed in its county's file: its page, its county's, the
# lists and the home page, each as the build publishes it.
stations = os.path.join(site, 'content/counties/990101/station.csv')
rows = open(stations).read()
with open(stations, 'w') as fp:
    fp.write(rows.replace('东一镇社工站', '东一镇社会工作站', 1))
sent, ended = ask(p, f)
build()
out.append('station: %s, %s' % (' '.join(k for k in (
    'stations/990101001/index.html', 'counties/990101/index.html',
    'stations/index.html', 'index.html') if '东一镇社会工作站'.encode() in
    sent.get(k, b'')), 'as published' if all(
    open(os.path.join(site, 'public', k), 'rb').read() == v
    for k, v in sent.items()) else 'NOT as published: %s' % ' '.join(
    k for k, v in sent.items() if open(os.path.join(site, 'public', k),
                                       'rb').read() != v)))
# A campaign's name and target, then a report's figures: the pages that
# show them, each as the build publishes it; then both as they were.
def published(sent):
    return 'as published' if all(
        open(os.path.join(site, 'public', k), 'rb').read() == v
        for k, v in sent.items()) else 'NOT as published: %s' % ' '.join(
        k for k, v in sent.items() if open(os.path.join(site, 'public', k),
                                           'rb').read() != v)
camp = os.path.join(site, 'content/records/campaign.json')
ctext = open(camp).read()
with open(camp, 'w') as fp:
    fp.write(ctext.replace('测试行动', '测试专项行动')
             .replace('"target_stations": 4', '"target_stations": 5'))
sent, ended = ask(p, f)
build()
out.append('campaign: %s, %s' % (' '.join(k for k in (
    'campaigns/test-campaign/index.html', 'campaigns/index.html',
    'provinces/99/index.html', 'index.html') if '测试专项行动'.encode() in
    sent.get(k, b'')), published(sent)))
rep = os.path.join(site, 'content/records/report.csv')
rtext = open(rep).read()
with open(rep, 'w') as fp:
    fp.write(rtext.replace('2023-05-31,3,0.75,', '2023-05-31,4,1,'))
sent, ended = ask(p, f)
build()
out.append('report: %s, %s' % (
    'province' if '4 / 4，100.00%'.encode() in
    sent.get('provinces/99/index.html', b'') else 'NO PROVINCE',
    published(sent)))
with open(camp, 'w') as fp:
    fp.write(ctext)
with open(rep, 'w') as fp:
    fp.write(rtext)
sent, ended = ask(p, f)
build()
out.append('back: %s' % published(sent))
# A news item's new file, in a folder of its own: its page and the lists
# it joins (its county's, a new tag's), each as the build publishes it;
# then its file taken away, which the model does not take.
added = os.path.join(site, 'content/news/2023/added-item.md')
os.makedirs(os.path.dirname(added))
with open(added, 'w') as fp:
    fp.write('---\ntitle: 新加的一条\ndate: 2023-05-02\nprovince: "99"\n'
             'county: "990101"\ntags: [新加的标签]\n---\n新加的正文。\n')
asked = pages + ['news/added-item/index.html', 'tags/新加的标签/index.html']
p.stdin.write(('\n'.join(asked) + '\n\n').encode())
p.stdin.flush()
sent, ended = answer(f)
build()
out.append('added: %s, %s, %s' % (' '.join(k for k in (
    'news/added-item/index.html', 'counties/990101/index.html',
    'tags/新加的标签/index.html')
    if '新加的一条'.encode() in sent.get(k, b'')), 'new text' if
    '新加的正文'.encode() in sent.get('news/added-item/index.html', b'')
    else 'NO TEXT', published(sent)))
# Moved out of its folder (the same item: taken away, then added), then
# removed: its page no longer made, every page sent as published.
moved = os.path.join(site, 'content/news/added-item.md')
for change in ('moved', 'removed'):
    if change == 'moved':
        os.rename(added, moved)
        os.rmdir(os.path.dirname(added))
    else:
        os.remove(moved)
    p.stdin.write(('\n'.join(asked) + '\n\n').encode())
    p.stdin.flush()
    sent, ended = answer(f)
    build()
    out.append('%s: %s, %s' % (change, 'its page' if
        'news/added-item/index.html' in sent else 'no page',
        'NOT as published' if not all(
            os.path.exists(os.path.join(site, 'public', k)) and
            open(os.path.join(site, 'public', k), 'rb').read() == v
            for k, v in sent.items()) else '%d sent as published' %
        len(sent)))
# An item made a draft: out of the lists, its page no longer made; then
# published again, and edited while a draft; each time every page sent
# as the build publishes it.
text = open(one).read()
drafted = text.replace('title: ', 'draft: true\ntitle: ', 1)
for change in ('unpublished', 'draft edited', 'republished'):
    with open(one, 'w') as fp:
        fp.write(text if change == 'republished' else drafted if
                 change == 'unpublished' else drafted + '\n草稿里的一句。\n')
    sent, ended = ask(p, f)
    build()
    mine = os.path.exists(os.path.join(site, 'public/news/one/index.html'))
    out.append('%s: %s, %s' % (change, 'its page' if
        'news/one/index.html' in sent else 'no page', 'published' if mine
        else 'not published') + ', ' + ('%d sent as published' % len(sent)
        if all(os.path.exists(os.path.join(site, 'public', k)) and
               open(os.path.join(site, 'public', k), 'rb').read() == v
               for k, v in sent.items()) else 'NOT as published'))
# The same front matter outside the site, and a link to it.
text = open(one).read()
outside = site + '.outside.md'
with open(outside, 'w') as fp:
    fp.write(text + '\n站外的秘密。\n')
os.rename(one, site + '.keep.md')
os.symlink(outside, one)
out.append(refused('link', p, f))
os.remove(one)
os.remove(outside)
os.rename(site + '.keep.md', one)
# A county's brand page: a new title and text are taken, and the pages
# sent (its own, its county's) are the build's; then its own template's
# new text; another county named in its folder, and a template the
# build refuses, are refused.
brand = os.path.join(site, 'content/counties/990101/index.md')
btext = ('---\ncounty: "990101"\ntitle: 东一县服务品牌\n---\n\n'
         '品牌的第一段介绍。\n')
btmpl = os.path.join(site, 'content/counties/990101/brand.mustache')
ttext = ('{{<base}}{{$content}}<h1>{{brand.title}}</h1><p>模板第一版</p>'
         '{{{brand.body}}}{{/content}}{{/base}}\n')
def branded():
    """The brand page and its template as first written, built, and a
    held model started on them."""
    with open(brand, 'w') as fp:
        fp.write(btext)
    with open(btmpl, 'w') as fp:
        fp.write(ttext)
    build()
    p, f = start()
    answer(f)
    return p, f
p, f = branded()
with open(brand, 'w') as fp:
    fp.write(btext.replace('东一县服务品牌', '东一县新服务品牌')
             .replace('第一段', '第二段'))
bpage = 'counties/990101/brand/index.html'
p.stdin.write(('\n'.join(pages + [bpage]) + '\n\n').encode())
p.stdin.flush()
sent, ended = answer(f)
build()
out.append('brand: %s, %s' % (' '.join(k for k in (
    bpage, 'counties/990101/index.html') if '东一县新服务品牌'.encode() in
    sent.get(k, b'')) + (' with its text' if '第二段'.encode() in
    sent.get(bpage, b'') else ' WITHOUT ITS TEXT'), published(sent)))
with open(btmpl, 'w') as fp:
    fp.write(ttext.replace('第一版', '第二版'))
sent, ended = ask(p, f)
build()
out.append('template: %s, %s' % ('taken' if '模板第二版'.encode() in
    sent.get(bpage, b'') else 'NOT TAKEN', published(sent)))
for change in ('brand county', 'template error'):
    if change == 'brand county':
        with open(brand, 'w') as fp:
            fp.write(btext.replace('"990101"', '"990102"'))
    else:
        with open(btmpl, 'w') as fp:
            fp.write(ttext.replace('{{/content}}', ''))
    out.append(refused(change, p, f))
    p, f = branded()
p.stdin.close()
p.wait()
os.remove(brand)
os.remove(btmpl)
own = os.path.join(site, 'content/records/station.csv')
for change in ('wrong', 'date', 'added draft', 'added file', 'removed file',
               'named draft', 'named removed',
               'moved', 'more', 'redated', 'campaigns'):
    if change == 'redated':
        with open(rep, 'w') as fp:
            fp.write(rtext + 'r-2022,99,2022-12-31,2,0.5,测试日报\n')
    if change.startswith('named'):
        # A report that names the item: made a draft or taken away, it
        # fails the build (the report would name what is not published).
        lines = rtext.rstrip('\n').split('\n')
        with open(rep, 'w') as fp:
            fp.write('\n'.join([lines[0] + ',news'] +
                                [l + ',one' for l in lines[1:]]) + '\n')
    if change == 'moved':
        with open(own, 'w') as fp:
            fp.write(rows.split('\n')[0] + '\n990102001,西一镇社工站,township,'
                     '990102,990102001,2022-07\n')
    build()
    p, f = start()
    answer(f)
    if change in ('wrong', 'date'):
        # Errors the build reports: a county as the province (a link
        # checked against the divisions), a day that is none.
        with open(one, 'w') as fp:
            fp.write(text.replace('province: "99"', 'province: "990101"', 1)
                     if change == 'wrong' else
                     text.replace('date: 2023-06-02', 'date: 2023-06-99', 1))
    elif change == 'moved':
        # A station moved to another county (as the build takes it).
        moved = open(own).read().replace('990102,990102001',
                                         '990101,990101001')
        with open(own, 'w') as fp:
            fp.write(moved)
    elif change == 'more':
        with open(stations, 'w') as fp:
            fp.write(rows + '990101003,东三镇社工站,township,990101,'
                     '990101001,2023-01\n')
    elif change == 'redated':
        # A report's date, which orders the reports (not the newest:
        # the data date stays).
        with open(rep, 'w') as fp:
            fp.write(rtext + 'r-2022,99,2022-11-30,2,0.5,测试日报\n')
    elif change == 'campaigns':
        with open(camp, 'w') as fp:
            fp.write(ctext.replace('}\n]', '},\n  {"id": "second", "name": '
                                   '"第二项", "province": "99", "start": '
                                   '"2023-07", "end": "2023-12", '
                                   '"target_stations": 2}\n]'))
    elif change == 'removed file':
        os.remove(rep)
    elif change == 'named draft':
        with open(one, 'w') as fp:
            fp.write(text.replace('title: ', 'draft: true\ntitle: ', 1))
    elif change == 'named removed':
        os.remove(one)
    elif change == 'added draft':
        with open(os.path.join(site, 'content/news/new.md'), 'w') as fp:
            fp.write('---\ntitle: 新的\ndate: 2024-05-01\ndraft: true\n'
                     '---\n正文。\n')
    else:
        # A file that is no news item.
        os.makedirs(os.path.join(site, 'content/static'), exist_ok=True)
        with open(os.path.join(site, 'content/static/new.txt'), 'w') as fp:
            fp.write('新的文件\n')
    out.append(refused(change, p, f))
    if change == 'added file':
        os.remove(os.path.join(site, 'content/static/new.txt'))
    elif change == 'added draft':
        os.remove(os.path.join(site, 'content/news/new.md'))
    with open(one, 'w') as fp:
        fp.write(text)
    with open(stations, 'w') as fp:
        fp.write(rows)
    with open(camp, 'w') as fp:
        fp.write(ctext)
    with open(rep, 'w') as fp:
        fp.write(rtext)
    if os.path.exists(own):
        os.remove(own)
# An item a county plugin's records hook is given (one about its
# county), before or after the edit: whatever the hook gave may follow
# from it, so the held model ends.
lua = os.path.join(site, 'content/counties/990101/plugin.lua')
with open(lua, 'w') as fp:
    fp.write('function records(kind, list)\n'
             '  if kind ~= "news" then return nil end\n'
             '  local out = {}\n'
             '  for _, r in ipairs(list) do out[r.id] = { seen = #list } end\n'
             '  return out\n'
             'end\n')
for change in ('given', 'becomes'):
    build()
    p, f = start()
    answer(f)
    name = 'two.md' if change == 'given' else 'three.md'
    item = os.path.join(site, 'content/news', name)
    was = open(item).read()
    with open(item, 'w') as fp:
        fp.write(was.replace('title: ', 'title: 换了', 1) if change == 'given'
                 else was.replace('tags:', 'province: "99"\ncounty: "990101"\n'
                                  'tags:', 1))
    out.append(refused(change, p, f))
    with open(item, 'w') as fp:
        fp.write(was)
os.remove(lua)
# A site that mounts county repositories is not held: the held model
# would not fetch them as the build does.
yaml = os.path.join(site, 'hearth.yaml')
conf = open(yaml).read()
with open(yaml, 'a') as fp:
    fp.write('sources:\n  - name: x\n    url: ../nowhere\n    ref: main\n'
             '    mount: content/counties/990101/\n')
p, f = start()
p.stdin.close()
out.append('sources: %s' % ('not held' if f.read() == b'' and p.wait() == 0
           else 'HELD'))
with open(yaml, 'w') as fp:
    fp.write(conf)
print('; '.join(out))
PY
)
want='ready; body: one sent, as published, no data page; again: follows; front: new title, tag, lists, as published; then: follows; station: stations/990101001/index.html counties/990101/index.html stations/index.html, as published; campaign: campaigns/test-campaign/index.html campaigns/index.html provinces/99/index.html index.html, as published; report: province, as published; back: as published; added: news/added-item/index.html counties/990101/index.html tags/新加的标签/index.html, new text, as published; moved: its page, 23 sent as published; removed: no page, 21 sent as published; unpublished: no page, not published, 18 sent as published; draft edited: no page, not published, 18 sent as published; republished: its page, published, 21 sent as published; link: 0 sent, ends; brand: counties/990101/brand/index.html counties/990101/index.html with its text, as published; template: taken, as published; brand county: 0 sent, ends; template error: 0 sent, ends; wrong: 0 sent, ends; date: 0 sent, ends; added draft: 0 sent, ends; added file: 0 sent, ends; removed file: 0 sent, ends; named draft: 0 sent, ends; named removed: 0 sent, ends; moved: 0 sent, ends; more: 0 sent, ends; redated: 0 sent, ends; campaigns: 0 sent, ends; given: 0 sent, ends; becomes: 0 sent, ends; sources: not held'
if [ "$got" = "$want" ]; then
	ok "serve: the held model shows a text edit as published, and nothing more"
else
	notok "serve: the held model shows a text edit as published, and nothing more" "got:  $got" "want: $want"
fi
