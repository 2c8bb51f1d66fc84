#!/bin/bash
# Ownership proven by SSH signatures and enforced where pushes arrive: real
# repositories, commits signed by git with ssh-keygen keys, `git push`
# into a bare repository whose pre-receive hook is `hearth hooks install`'s.
# Each county and the province have a key; content/SIGNERS lists them.
. "$(dirname "$0")/../lib.sh"
export ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0

if ! command -v ssh-keygen >/dev/null; then
	notok "signed: ssh-keygen (openssh-client) is needed"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hearth-signed.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$tmp
unset GL_USERNAME GITEA_PUSHER_NAME REMOTE_USER LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8
git config --global init.defaultBranch main
git config --global gpg.format ssh
git config --global user.name "省厅编辑"
git config --global user.email editor@province.example

mkdir "$tmp/keys"
for k in province east west; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$tmp/keys/$k"
done

# scommit KEY NAME EMAIL DATE MESSAGE: commit everything as that author,
# signed with KEY's SSH key ("-": unsigned).
scommit() {
	local sign=(--no-gpg-sign)
	[ "$1" != - ] && sign=(-S -c)
	git add -A &&
	if [ "$1" = - ]; then
		GIT_AUTHOR_NAME=$2 GIT_AUTHOR_EMAIL=$3 GIT_COMMITTER_NAME=$2 \
		GIT_COMMITTER_EMAIL=$3 GIT_AUTHOR_DATE="$4 12:00:00 +0800" \
		GIT_COMMITTER_DATE="$4 12:00:00 +0800" git commit -q -m "$5"
	else
		GIT_AUTHOR_NAME=$2 GIT_AUTHOR_EMAIL=$3 GIT_COMMITTER_NAME=$2 \
		GIT_COMMITTER_EMAIL=$3 GIT_AUTHOR_DATE="$4 12:00:00 +0800" \
		GIT_COMMITTER_DATE="$4 12:00:00 +0800" \
		    git -c user.signingkey="$tmp/keys/$1" commit -q -S -m "$5"
	fi
}
# smerge KEY BRANCH MESSAGE [git merge options]: a merge signed with KEY.
smerge() {
	local key=$1 br=$2 msg=$3
	shift 3
	GIT_AUTHOR_DATE="2023-07-01 12:00:00 +0800" \
	GIT_COMMITTER_DATE="2023-07-01 12:00:00 +0800" \
	    git -c user.signingkey="$tmp/keys/$key" merge -q -S --no-ff \
	    -m "$msg" "$@" "$br" >/dev/null 2>&1
}
pub() { cut -d' ' -f1,2 "$tmp/keys/$1.pub"; }

# ---- the province sets the site up ------------------------------------
site=$tmp/site
mkdir "$site"
cp -r "$ROOT/tests/sites/mini/." "$site/"
cp -r "$ROOT/themes" "$site/"
mkdir -p "$site/content/counties/990102"
printf -- '---\ntitle: 西县品牌\ncounty: "990102"\n---\n\n西县。\n' \
    > "$site/content/counties/990102/index.md"
cd "$site" || exit 1
git init -q
printf '/public/\n/.hearth/\n' > .gitignore
scommit - 省厅编辑 editor@province.example 2023-05-01 "网站初建（签名之前）"
root=$(git rev-parse HEAD)
git branch before-rules
cat > content/OWNERS <<EOT
# Signatures are required after the first commit.
trust: $root
@province = editor@province.example user:province-desk
**                        @province
content/counties/990101/  east@county.example user:east-office
content/counties/990102/  west@county.example user:west-office
EOT
cat > content/SIGNERS <<EOT
editor@province.example $(pub province)
east@county.example $(pub east)
west@county.example $(pub west)
EOT
scommit province 省厅编辑 editor@province.example 2023-06-01 "启用签名"

out=$("$HEARTH" verify --all 2>&1)
rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -qF 'verified 1 commit: 0 violations'; then
	ok "signed: history up to the trust: commit is not judged; the signed setup passes"
else
	notok "signed: the trust: commit" "rc $rc" "$out"
fi

server=$tmp/server.git
git clone -q --bare "$site" "$server"
out=$("$HEARTH" hooks install "$server" 2>&1)
if [ -x "$server/hooks/pre-receive" ] && grep -q 'hooks pre-receive' "$server/hooks/pre-receive"; then
	ok "signed: hooks install writes an executable pre-receive hook"
else
	notok "signed: hooks install" "$out"
fi
echo '#!/bin/sh' > "$tmp/other-hook"
mkdir -p "$tmp/other.git" && git init -q --bare "$tmp/other.git" &&
    cp "$tmp/other-hook" "$tmp/other.git/hooks/pre-receive"
if ! "$HEARTH" hooks install "$tmp/other.git" >/dev/null 2>&1 &&
    cmp -s "$tmp/other-hook" "$tmp/other.git/hooks/pre-receive"; then
	ok "signed: hooks install leaves someone else's hook alone without --force"
else
	notok "signed: hooks install overwrote another hook"
fi

work=$tmp/work
git clone -q "$server" "$work"
cd "$work" || exit 1

# push: push HEAD to main; prints git's output; the status is git's.
push() { git push -q origin HEAD:main 2>&1; }
# reset: back to what the server has.
reset() { git fetch -q origin && git reset -q --hard origin/main; }
# refused NAME PATTERN...: the push is refused and says every PATTERN.
refused() {
	local name=$1 out rc p miss=
	shift
	out=$(push)
	rc=$?
	for p in "$@"; do echo "$out" | grep -qF -- "$p" || miss="$miss [$p]"; done
	if [ $rc -ne 0 ] && [ -z "$miss" ] && [ "$(git rev-parse HEAD)" != "$(git ls-remote "$server" refs/heads/main | cut -f1)" ]; then
		ok "signed: $name"
	else
		notok "signed: $name" "rc $rc, missing:$miss" "$out"
	fi
	reset
}

out=$("$HEARTH" verify 2>&1)
rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -qF 'not on origin/main' &&
    echo "$out" | grep -qF 'verified 0 commits: 0 violations'; then
	ok "signed: verify with no options on a fresh clone checks what is not yet on origin/main (nothing)"
else
	notok "signed: verify on a fresh clone" "rc $rc" "$out"
fi

# A path no rule covers is anyone's, signed or not.
mkdir "$tmp/free" && (
	cd "$tmp/free" && git init -q && mkdir content &&
	printf 'content/  editor@province.example\n' > content/OWNERS &&
	echo "editor@province.example $(pub province)" > content/SIGNERS &&
	scommit province 省厅编辑 editor@province.example 2023-05-01 "规则" &&
	echo "自由区" > notes.txt &&
	scommit - 某人 someone@else.example 2023-06-05 "无人负责的文件" &&
	echo "改" >> content/OWNERS &&
	scommit - 某人 someone@else.example 2023-06-06 "改规则"
)
out=$(cd "$tmp/free" && "$HEARTH" verify --since HEAD~2 2>&1)
if [ $? -eq 1 ] && echo "$out" | grep -qF 'verified 2 commits: 1 violation' &&
    echo "$out" | grep -qF 'content/OWNERS: unsigned'; then
	ok "signed: a path no rule covers is anyone's, signed or not; a covered one is not"
else
	notok "signed: unowned paths are anyone's" "$out"
fi

# Paths anyone may name reach the reader's terminal without their escape
# sequences.
mkdir "$tmp/esc" && (
	cd "$tmp/esc" && git init -q && mkdir -p content/x &&
	printf 'content/  editor@province.example\n' > content/OWNERS &&
	echo "editor@province.example $(pub province)" > content/SIGNERS &&
	scommit province 省厅编辑 editor@province.example 2023-05-01 "规则" &&
	echo x > "content/x/$(printf 'a\033]0;pwned\007\033[2Jb').md" &&
	scommit - 某人 someone@else.example 2023-06-07 "带转义的文件名"
)
out=$(cd "$tmp/esc" && "$HEARTH" verify --since HEAD~1 2>&1)
if echo "$out" | grep -qF 'content/x/a?]0;pwned??[2Jb.md: unsigned' &&
    ! printf '%s' "$out" | grep -q "$(printf '\033')"; then
	ok "signed: a path's control characters are shown as '?' in verify's report"
else
	notok "signed: control characters in verify's report" "$(printf '%s' "$out" | cat -v)"
fi

# ---- a county at work -------------------------------------------------
printf '990101003,东三镇服务点,county,990101,,2023-06\n' >> content/counties/990101/station.csv
scommit east 东县民政局 east@county.example 2023-06-10 "东三镇社工站建成"
good=$(git rev-parse HEAD)
out=$("$HEARTH" verify 2>&1)
rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -qF 'verified 1 commit: 0 violations'; then
	ok "signed: verify checks the county's new signed commit"
else
	notok "signed: verify of a signed county commit" "rc $rc" "$out"
fi
out=$(push)
if [ $? -eq 0 ] && [ "$(git ls-remote "$server" refs/heads/main | cut -f1)" = "$good" ]; then
	ok "signed: a signed county commit inside its folder is accepted by the hook"
else
	notok "signed: a signed county commit is accepted" "$out"
fi

printf '990101004,东四镇服务点,county,990101,,2023-06\n' >> content/counties/990101/station.csv
scommit - 东县民政局 east@county.example 2023-06-11 "东四镇社工站建成"
bad=$(git rev-parse --short=12 HEAD)
out=$("$HEARTH" verify 2>&1)
rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -qF "$bad east@county.example content/counties/990101/station.csv: unsigned"; then
	ok "signed: verify refuses the same change unsigned, naming commit, path and why"
else
	notok "signed: verify refuses an unsigned commit" "rc $rc" "$out"
fi
out=$("$HEARTH" build -q --verify --out "$tmp/pub" 2>&1)
if [ $? -eq 1 ] && echo "$out" | grep -qF 'ownership violation' && [ ! -e "$tmp/pub" ]; then
	ok "signed: build --verify takes the same range and refuses to publish"
else
	notok "signed: build --verify" "$out"
fi
refused "the same change unsigned is refused on push" "$bad" \
    "content/counties/990101/station.csv: unsigned" "owners: east@county.example" "push refused"

printf '990101004,东四镇服务点,county,990101,,2023-06\n' >> content/counties/990101/station.csv
scommit west 东县民政局 east@county.example 2023-06-11 "东四镇社工站建成"
refused "the same change signed with another county's key is refused" \
    "$(git rev-parse --short=12 HEAD) west@county.example content/counties/990101/station.csv: not an owner"

printf '\n由省厅更正。\n' >> content/news/one.md
scommit east 省厅编辑 editor@province.example 2023-06-12 "更正新闻"
refused "a commit authored under the province's address but signed by a county is refused" \
    "$(git rev-parse --short=12 HEAD) east@county.example content/news/one.md: not an owner (owners: editor@province.example user:province-desk)"

printf '\n由省厅更正。\n' >> content/news/one.md
scommit - 省厅编辑 editor@province.example 2023-06-12 "更正新闻"
refused "a commit typed as the province's but unsigned is refused" \
    "content/news/one.md: unsigned"

printf '\n越权。\n' >> content/counties/990102/index.md
scommit east 东县民政局 east@county.example 2023-06-12 "修改西县"
refused "a push touching another county's folder is refused, naming the path" \
    "content/counties/990102/index.md: not an owner (owners: west@county.example user:west-office)"

echo "east@county.example $(pub west)" >> content/SIGNERS
scommit east 东县民政局 east@county.example 2023-06-12 "加一把钥匙"
refused "a county changing the key list is refused" "content/SIGNERS: not an owner"

sed -i 's|^content/counties/990101/.*|content/  east@county.example|' content/OWNERS
scommit east 东县民政局 east@county.example 2023-06-12 "扩大权限"
refused "a county changing OWNERS is refused" "content/OWNERS: not an owner"

# An orphan history that rewrites the rules, merged in.
git checkout -q --orphan evil
git rm -rq --cached . && rm -rf content hearth.yaml
mkdir -p content
printf '**  east@county.example\n' > content/OWNERS
printf 'title: 假网站\n' > hearth.yaml
scommit east 东县民政局 east@county.example 2023-06-13 "另起炉灶"
orphan=$(git rev-parse --short=12 HEAD)
git checkout -q -f main
smerge east evil "合并" --allow-unrelated-histories -X theirs
refused "an orphan root commit merged in is judged against the rules already accepted" \
    "$orphan east@county.example content/OWNERS: not an owner" \
    "$orphan east@county.example hearth.yaml: not an owner"
git branch -q -D evil

# A branch started before OWNERS existed, merged in.
git checkout -q -b old "$root"
printf '\n旧分支的修改。\n' >> content/news/one.md
scommit east 东县民政局 east@county.example 2023-06-14 "旧分支"
oldc=$(git rev-parse --short=12 HEAD)
git checkout -q main
smerge east old "合并旧分支"
refused "a merge of a branch from before OWNERS is judged: its commits too" \
    "$oldc east@county.example content/news/one.md: not an owner"
git branch -q -D old

# A county merge that keeps its side's old version reverts the province.
git checkout -q -b county
printf '990101004,东四镇服务点,county,990101,,2023-06\n' >> content/counties/990101/station.csv
scommit east 东县民政局 east@county.example 2023-06-15 "东四镇社工站"
git checkout -q main
printf '\n省厅补充说明。\n' >> content/news/two.md
scommit province 省厅编辑 editor@province.example 2023-06-16 "省厅补充说明"
push >/dev/null || notok "signed: the province's correction is accepted"
git checkout -q county
smerge east main "合并省厅更新" -s ours
refused "a merge that reverts the province's correction is that change, and refused" \
    "east@county.example content/news/two.md: not an owner"
git checkout -q county && git reset -q --hard HEAD~1
smerge east main "合并省厅更新"
out=$(push)
if [ $? -eq 0 ]; then
	ok "signed: a clean merge by the county (bringing nothing of its own) is accepted"
else
	notok "signed: a clean county merge is accepted" "$out"
fi
git checkout -q main && reset
git branch -q -D county

# The authenticated pusher, where the server names one.
printf '990101005,东五镇服务点,county,990101,,2023-07\n' >> content/counties/990101/station.csv
scommit east 东县民政局 east@county.example 2023-07-02 "东五镇社工站"
out=$(GL_USERNAME=west-office push)
rc=$?
if [ $rc -ne 0 ] && echo "$out" | grep -qF "user:west-office content/counties/990101/station.csv: pushed by someone who is not an owner"; then
	ok "signed: a push by another county's account is refused (GL_USERNAME)"
else
	notok "signed: the pusher is checked" "rc $rc" "$out"
fi
out=$(GITEA_PUSHER_NAME=east-office push)
if [ $? -eq 0 ]; then
	ok "signed: the same push by the county's own account is accepted (GITEA_PUSHER_NAME)"
else
	notok "signed: the county's own account" "$out"
fi

printf '990101006,东六镇服务点,county,990101,,2023-07\n' >> content/counties/990101/station.csv
scommit - 东县民政局 east@county.example 2023-07-03 "东六镇社工站"
out=$(LANG=zh_CN.UTF-8 push)
if echo "$out" | grep -qF '推送被拒绝' &&
    echo "$out" | grep -qF 'content/counties/990101/station.csv：未签名（负责人：east@county.example user:east-office）'; then
	ok "signed: the hook's refusal reads in Chinese under a Chinese locale (as ssh passes LANG)"
else
	notok "signed: the hook's verdict in Chinese" "$out"
fi
reset

# A signature that does not match its commit.
printf '990101006,东六镇服务点,county,990101,,2023-07\n' >> content/counties/990101/station.csv
scommit east 东县民政局 east@county.example 2023-07-03 "东六镇社工站"
git cat-file commit HEAD | sed 's/^东六镇社工站$/东六镇社工站（改）/' > "$tmp/forged"
forged=$(git hash-object -t commit -w "$tmp/forged")
git reset -q --hard "$forged"
refused "a commit changed after it was signed is refused" \
    "${forged:0:12} east@county.example content/counties/990101/station.csv: a bad signature"

# Deleting the main branch.
out=$(git push origin :main 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -qF "the site's main branch cannot be deleted"; then
	ok "signed: the site's main branch cannot be deleted by a push"
else
	notok "signed: deleting main" "$out"
fi

# Tags name data releases: signed by a maintainer, and permanent.
reset
tagpush() { git push -q origin "$@" 2>&1; }
git tag v9
out=$(tagpush v9)
if [ $? -ne 0 ] && echo "$out" | grep -qF 'refs/tags/v9 - hearth.yaml: not a signed annotated tag'; then
	ok "signed: a lightweight tag (a data release) is refused"
else
	notok "signed: a lightweight tag is refused" "$out"
fi
git tag -d v9 >/dev/null
git -c user.signingkey="$tmp/keys/east" tag -s v9 -m "东县发布" >/dev/null
out=$(tagpush v9)
if [ $? -ne 0 ] && echo "$out" | grep -qF 'refs/tags/v9 east@county.example hearth.yaml: a tag (a data release) is signed by a maintainer'; then
	ok "signed: a release tag signed by a county is refused"
else
	notok "signed: a county's release tag is refused" "$out"
fi
git tag -d v9 >/dev/null
git -c user.signingkey="$tmp/keys/province" tag -s v9 -m "省厅发布 v9" >/dev/null
out=$(tagpush v9)
if [ $? -eq 0 ] && git ls-remote "$server" refs/tags/v9 | grep -q v9; then
	ok "signed: a release tag signed by the province is accepted"
else
	notok "signed: the province's release tag is accepted" "$out"
fi
git -c user.signingkey="$tmp/keys/province" tag -f -s v9 -m "改" HEAD~1 >/dev/null
out=$(tagpush -f v9)
out2=$(tagpush :v9)
if echo "$out" | grep -qF 'refs/tags/v9: a tag (a data release) is permanent and cannot be moved' &&
    echo "$out2" | grep -qF 'cannot be deleted' && git ls-remote "$server" refs/tags/v9 | grep -q v9; then
	ok "signed: a pushed release tag cannot be moved or deleted"
else
	notok "signed: release tags are permanent" "$out" "$out2"
fi

# ---- recording a clean range ------------------------------------------
git checkout -q -b feature
printf '990101007,东七镇服务点,county,990101,,2023-07\n' >> content/counties/990101/station.csv
scommit east 东县民政局 east@county.example 2023-07-04 "东七镇社工站"
git branch -q --unset-upstream 2>/dev/null
"$HEARTH" verify --record >/dev/null 2>&1
if [ "$(git rev-parse refs/hearth/verified 2>/dev/null)" = "$(git rev-parse HEAD)" ] &&
    out=$("$HEARTH" verify 2>&1) && echo "$out" | grep -qF 'verified 0 commits'; then
	ok "signed: verify --record marks a clean range; the next verify starts there"
else
	notok "signed: verify --record" "$out"
fi
git checkout -q main

# ---- brand pages ------------------------------------------------------
reset
printf -- '---\ntitle: 东县品牌\ncounty: "990101"\n---\n\n东县。\n' > content/counties/990101/index.md
scommit - 东县民政局 east@county.example 2023-07-05 "<b>未签名的修改</b>"
"$HEARTH" build -q --out "$tmp/site-out" 2>"$tmp/err"
page=$tmp/site-out/counties/990101/brand/index.html
if grep -qF '东三镇社工站建成' "$page" && grep -qF '东五镇社工站' "$page" &&
    ! grep -qF '未签名的修改' "$page" && ! grep -qF '东县民政局' "$page" &&
    ! grep -qF 'east@county.example' "$page"; then
	ok "signed: brand pages list only the county's signed commits, with date and subject only"
else
	notok "signed: brand page history" "$(grep -o '<ul class="plain changes">.*</ul>' "$page")" "$(cat "$tmp/err")"
fi

# The verdicts are cached: a second build runs no ssh-keygen (none on its
# PATH) and lists the same; without the cache, that is an error.
mkdir -p "$tmp/nokeygen"
ln -sf "$(command -v env)" "$tmp/nokeygen/env"
if PATH=$tmp/nokeygen "$HEARTH" build -q --out "$tmp/site-out2" 2>"$tmp/err" &&
    cmp -s "$page" "$tmp/site-out2/counties/990101/brand/index.html"; then
	ok "signed: a second build reads the signature verdicts from .hearth/cache"
else
	notok "signed: signature verdicts are cached" "$(cat "$tmp/err")"
fi
rm -rf .hearth/cache
out=$(PATH=$tmp/nokeygen "$HEARTH" build -q --out "$tmp/site-out3" 2>&1)
if [ $? -eq 1 ] && echo "$out" | grep -qF 'ssh-keygen: error: cannot run' && [ ! -e "$tmp/site-out3" ]; then
	ok "signed: without ssh-keygen a build that must check signatures fails clearly"
else
	notok "signed: a build without ssh-keygen" "$out"
fi

# ---- the demo, from a fresh clone of this repository --------------------
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1 &&
    [ "$(git -C "$ROOT" rev-parse --is-shallow-repository)" = false ]; then
	git clone -q "$ROOT" "$tmp/demo"
	cd "$tmp/demo" || exit 1
	out=$("$HEARTH" verify 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && echo "$out" | grep -qF 'verified 0 commits: 0 violations'; then
		ok "signed: hearth verify exits 0 on a fresh clone of the demo, as docs/git.md shows"
	else
		notok "signed: hearth verify on a fresh clone of the demo" "rc $rc" "$out"
	fi
	"$HEARTH" build -q --out "$tmp/demo-out" 2>/dev/null
	if grep -qF '福泉品牌页注明服务数据的来源' "$tmp/demo-out/counties/522702/brand/index.html"; then
		ok "signed: the demo's brand page lists the commit Fuquan's key signed"
	else
		notok "signed: the demo's brand page lists Fuquan's signed commit"
	fi
else
	echo "# signed: $ROOT is not a full git clone; the demo's history is not checked"
fi
