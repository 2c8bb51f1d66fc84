#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util.h"

void
xdie(const char *fmt, ...)
{
	va_list ap;

	fputs("hearth: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		xdie("out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		xdie("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		xdie("out of memory (%zu bytes)", n);
	return q;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void
xgrow(void *arr, size_t *cap, size_t need, size_t sz)
{
	void **pp = arr;
	size_t n = *cap ? *cap : 8;

	if (need <= *cap)
		return;
	while (n < need)
		n *= 2;
	if (n > SIZE_MAX / sz)
		xdie("array too large");
	*pp = xrealloc(*pp, n * sz);
	*cap = n;
}

bool
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
str_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Bytes a sequence may have second, by its first (Unicode's table of
 * well-formed sequences): the narrower ranges after E0, ED, F0 and F4 are
 * what rules out overlong forms, surrogates and values past U+10FFFF. */
static bool
second(unsigned lead, unsigned c)
{
	switch (lead) {
	case 0xe0: return c >= 0xa0 && c <= 0xbf;
	case 0xed: return c >= 0x80 && c <= 0x9f;
	case 0xf0: return c >= 0x90 && c <= 0xbf;
	case 0xf4: return c >= 0x80 && c <= 0x8f;
	default: return (c & 0xc0) == 0x80;
	}
}

bool
utf8_valid(const char *s, size_t len, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, k;

	while (i < len) {
		unsigned c = p[i];

		/* Eight bytes of ASCII without a NUL at a time: most of a
		 * file's markup and front matter. */
		if (c < 0x80 && len - i >= 8) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if (((w | ((w - 0x0101010101010101ULL) & ~w)) &
			    0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
		if (c == 0)
			goto fail;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			goto fail;
		if (len - i <= n || !second(c, p[i + 1]))
			goto fail;
		for (k = 2; k <= n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				goto fail;
		i += n + 1;
	}
	return true;
fail:
	if (bad != NULL)
		*bad = i;
	return false;
}

size_t
utf8_count(const char *s, size_t n)
{
	size_t i, cps = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			cps++;
	return cps;
}

void
text_position(const char *text, size_t off, int *line, int *col)
{
	size_t i, start = 0;
	int l = 1;

	for (i = 0; i < off; i++)
		if (text[i] == '\n') {
			l++;
			start = i + 1;
		}
	*line = l;
	*col = (int)utf8_count(text + start, off - start) + 1;
}

bool
id_valid(const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > max || s[0] == '-')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/*
 * An absolute http(s) URL with a host, in the characters RFC 3986 allows
 * unencoded less the apostrophe: no quote, angle bracket, space or backslash, so the value can
 * stand in HTML attributes and JSON strings as it is.
 */
bool
url_valid(const char *s)
{
	const char *p;

	if (str_has_prefix(s, "https://"))
		p = s + 8;
	else if (str_has_prefix(s, "http://"))
		p = s + 7;
	else
		return false;
	if (*p == '\0' || *p == '/' || strlen(s) > 2000)
		return false;
	for (; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) &&
		    strchr("-._~:/?#[]@!$&()*+,;=%", *p) == NULL)
			return false;
	return true;
}

/*
 * A link target a page may carry: a relative or site path, a fragment, or
 * an http(s) or mailto URL.  Browsers drop ASCII whitespace and controls
 * before they read the scheme (" java\tscript:"), so this does too.
 */
bool
link_safe(const char *s)
{
	char scheme[16];
	size_t n = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c == 0x7f)
			continue;
		if (c == ':')
			break;
		if (c == '/' || c == '?' || c == '#' || n + 1 >= sizeof(scheme))
			return true;	/* no scheme: a path */
		scheme[n++] = (char)tolower(c);
	}
	if (*s == '\0')
		return true;
	scheme[n] = '\0';
	return strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 ||
	    strcmp(scheme, "mailto") == 0;
}

bool
tag_valid(const char *t)
{
	const unsigned char *p = (const unsigned char *)t;

	if (*p == '\0' || utf8_count(t, strlen(t)) > TAG_MAX)
		return false;
	for (; *p != '\0'; p++)
		if (*p < 0x80 && !((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_'))
			return false;
	return true;
}

/* A language tag as BCP 47 spells it: letters, then subtags of letters
 * and digits after hyphens (zh-CN, zh-Hans-CN, en). */
bool
langtag_valid(const char *s)
{
	size_t i, run = 0;

	if (!isalpha((unsigned char)s[0]) || strlen(s) > 35)
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '-') {
			if (run == 0)
				return false;
			run = 0;
		} else if (isalnum((unsigned char)s[i]) && run < 8)
			run++;
		else
			return false;
	}
	return run > 0;
}

/* A 64-bit finaliser (MurmurHash3's): every input bit moves every output
 * bit, for combining hashes. */
uint64_t
hash_mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

unsigned long
hash_str(const char *s, size_t n)
{
	unsigned long h = 1469598103934665603UL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211UL;
	}
	return h;
}

bool
version_name_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '.' || s[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' ||
		    s[i] == '.'))
			return false;
	return true;
}

long long
rfc3339_epoch(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

static int
rmone(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int
rmtree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, rmone, 32, FTW_DEPTH | FTW_PHYS);
}

static __thread unsigned long long sized;

static int
sizeone(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag == FTW_F && S_ISREG(st->st_mode))
		sized += (unsigned long long)st->st_size;
	return 0;
}

unsigned long long
treesize(const char *path)
{
	sized = 0;
	if (nftw(path, sizeone, 32, FTW_PHYS) < 0)
		return 0;
	return sized;
}

/*
 * Each process's scratch files go in a folder of its own, which it locks
 * (flock on the folder itself) for its life and removes at exit.  A build
 * killed half-way (Ctrl-C, a CI time-out, the OOM killer) removes nothing,
 * and its scratch database is tens of megabytes, often on a tmpfs: the
 * next process that finds such a folder's lock free, its owner gone,
 * removes the folder, even one its owner was emptying when it died.  A
 * folder is made under a name of its own, locked, then given its name:
 * one left under the first name is a death between its making and its
 * lock, and is swept like the others (a sweep that takes it from a
 * living owner in that moment costs the owner nothing but its own
 * folder: its lock or its rename fails, and it works in TMPDIR itself).
 * Only folders of this user, not links, are looked at.
 */
#define SCRATCH	"hearth-scratch."
#define NEWBORN	".hearth-scratch-new."

static char scratch[PATH_MAX];
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_err;	/* why none can be made in TMPDIR */

static void
sweep(const char *tmp)
{
	DIR *d = opendir(tmp);
	struct dirent *de;
	struct stat st;
	char path[PATH_MAX];
	int fd;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if ((!str_has_prefix(de->d_name, NEWBORN) &&
		    !str_has_prefix(de->d_name, SCRATCH)) ||
		    snprintf(path, sizeof(path),
		    "%s/%s", tmp, de->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid())
			continue;
		if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC)) < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			rmtree(path);
		close(fd);
	}
	closedir(d);
}

static void
unscratch(void)
{
	rmtree(scratch);
}

static void
makescratch(void)
{
	const char *tmp = getenv("TMPDIR");
	char made[PATH_MAX];
	int fd = -1;

	tmp = tmp != NULL && *tmp == '/' ? tmp : "/tmp";
	sweep(tmp);
	if (snprintf(made, sizeof(made), "%s/" NEWBORN "XXXXXX", tmp) >=
	    (int)sizeof(made)) {
		scratch_err = ENAMETOOLONG;
		goto plain;
	}
	if (mkdtemp(made) == NULL) {
		scratch_err = errno;
		goto plain;
	}
	snprintf(scratch, sizeof(scratch), "%s/" SCRATCH "%s", tmp,
	    made + strlen(made) - 6);
	/* The descriptor stays open, and the lock held, until exit. */
	if ((fd = open(made, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0 || flock(fd, LOCK_EX) < 0 ||
	    renameat2(AT_FDCWD, made, AT_FDCWD, scratch, RENAME_NOREPLACE) <
	    0) {
		if (fd >= 0)
			close(fd);
		rmdir(made);
		goto plain;
	}
	atexit(unscratch);
	return;
plain:
	snprintf(scratch, sizeof(scratch), "%s", tmp);
}

const char *
scratch_dir(void)
{
	pthread_once(&scratch_once, makescratch);
	return scratch;
}

int
scratch_errno(void)
{
	pthread_once(&scratch_once, makescratch);
	return scratch_err;
}

void
digest_hex(const unsigned char *md, unsigned int n, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i;

	for (i = 0; i < n && i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

static EVP_MD *sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void
fetch_sha256(void)
{
	if ((sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		xdie("SHA-256 is not available");
}

void
utc_day(time_t t, char out[16])
{
	struct tm tm;

	if (t <= 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 16, "%Y-%m-%d", &tm) == 0)
		strcpy(out, "-");
}

const EVP_MD *
sha256_md(void)
{
	pthread_once(&sha256_once, fetch_sha256);
	return sha256;
}

void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_Digest(data, len, md, &n, sha256_md(), NULL))
		xdie("SHA-256 failed");
	digest_hex(md, n, out);
}

int
fd_write(int fd, const void *p, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t w = write(fd, (const char *)p + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		done += (size_t)w;
	}
	return 0;
}

int
fd_copy(int to, int from, size_t len)
{
	char *buf;
	size_t at = 0;
	int rc = 0;

	/* In the kernel, page cache to page cache, where both files are on
	 * one file system (the database's 44 MB nationally: 13 ms on tmpfs
	 * where a read and a write took 18 to 31); else through a buffer. */
	while (at < len) {
		loff_t off = (loff_t)at;
		ssize_t r = copy_file_range(from, &off, to, NULL, len - at, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		at += (size_t)r;
	}
	if (at == len)
		return 0;
	buf = xmalloc(1u << 20);
	while (at < len && rc == 0) {
		size_t want = len - at < (1u << 20) ? len - at : (1u << 20);
		ssize_t r = pread(from, buf, want, (off_t)at);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			rc = -1;
		} else {
			rc = fd_write(to, buf, (size_t)r);
			at += (size_t)r;
		}
	}
	free(buf);
	return rc;
}

EVP_MD_CTX *
sha256_begin(void)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (c == NULL || !EVP_DigestInit_ex(c, sha256_md(), NULL))
		xdie("SHA-256 failed");
	return c;
}

void
sha256_more(EVP_MD_CTX *c, const void *data, size_t len)
{
	if (len > 0 && !EVP_DigestUpdate(c, data, len))
		xdie("SHA-256 failed");
}

void
sha256_end(EVP_MD_CTX *c, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_DigestFinal_ex(c, md, &n))
		xdie("SHA-256 failed");
	digest_hex(md, n, out);
	EVP_MD_CTX_free(c);
}

int
sha256_fd_hex(int fd, size_t len, char out[65])
{
	EVP_MD_CTX *c = sha256_begin();
	char *buf = xmalloc(1u << 20), sum[65];
	size_t at = 0;
	int rc = 0;

	while (at < len && rc == 0) {
		size_t want = len - at < (1u << 20) ? len - at : (1u << 20);
		ssize_t r = pread(fd, buf, want, (off_t)at);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			rc = -1;
		else {
			sha256_more(c, buf, (size_t)r);
			at += (size_t)r;
		}
	}
	sha256_end(c, rc == 0 ? out : sum);
	free(buf);
	return rc;
}
