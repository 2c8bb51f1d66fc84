/*
 * util: allocation that cannot fail (the CLI aborts with a message on out of
 * memory, as user-fixable errors are the only ones worth an error path),
 * and small string helpers shared by every stage.
 */
#ifndef HEARTH_UTIL_H
#define HEARTH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <stdint.h>

void   *xmalloc(size_t n);
void   *xcalloc(size_t n, size_t size);
void   *xrealloc(void *p, size_t n);
char   *xstrdup(const char *s);
char   *xstrndup(const char *s, size_t n);

/* Print "hearth: fatal: ..." and exit(2).  For impossible situations only. */
void	xdie(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Grow *arr (element size sz) so it can hold at least need elements. */
void	xgrow(void *arr, size_t *cap, size_t need, size_t sz);

bool	str_has_prefix(const char *s, const char *prefix);
bool	str_has_suffix(const char *s, const char *suffix);

/* Is s (len bytes) well-formed UTF-8 without NUL bytes?  On failure *bad is
 * the byte offset of the first offending byte. */
bool	utf8_valid(const char *s, size_t len, size_t *bad);

/* Number of code points in the first n bytes of valid UTF-8. */
size_t	utf8_count(const char *s, size_t n);

/* 1-based line and column (in code points) of byte offset off in text. */
void	text_position(const char *text, size_t off, int *line, int *col);

/* Is s a safe identifier for ids and URL segments: [A-Za-z0-9_-], not
 * starting with '-' or '.', 1..max bytes?  Rejects "..", "/", etc. */
bool	id_valid(const char *s, size_t max);
bool	url_valid(const char *s);
/* A news tag: 1..TAG_MAX characters, no ASCII space or punctuation
 * (it becomes a URL segment; CJK is fine). */
#define TAG_MAX 30
bool	tag_valid(const char *t);
bool	link_safe(const char *s);
bool	langtag_valid(const char *s);
/* A data version or package name: a folder name in URLs (letters, digits,
 * '.', '-', '_'; at most 64; not starting with '.' or '-'). */
bool	version_name_valid(const char *s);
/* Seconds since 1970 of "YYYY-MM-DDThh:mm:ssZ" (UTC), 0 when it is not. */
long long rfc3339_epoch(const char *s);
/* The UTC day of t as YYYY-MM-DD (what pages show of a change), or "-"
 * when t is not after 1970. */
void	utc_day(time_t t, char out[16]);

/* Where this process's scratch files go: a folder of its own in TMPDIR
 * (when an absolute path, else /tmp), removed at exit, and by a later
 * process when this one died first; TMPDIR itself when that cannot be
 * made. */
const char *scratch_dir(void);
/* 0, or why no file can be made in TMPDIR (an errno). */
int	scratch_errno(void);

/* Remove path and all beneath it, never following a link; 0 when gone. */
int	rmtree(const char *path);
/* The bytes of the regular files under path (no link followed); 0 when
 * it cannot be read. */
unsigned long long treesize(const char *path);

/* SHA-256 for OpenSSL's EVP calls, fetched once: EVP_sha256() fetches
 * it again, under a lock, on every digest begun (pages and files are
 * digested by the ten thousand, on every thread). */
struct evp_md_st;
const struct evp_md_st *sha256_md(void);
/* The SHA-256 of data as 64 lower-case hex digits and a NUL. */
void	sha256_hex(const void *data, size_t len, char out[65]);
/* A digest of n bytes (at most 32 used) as lower-case hex. */
void	digest_hex(const unsigned char *md, unsigned int n, char out[65]);
/* The same of the len bytes of the open file fd, read in pieces from its
 * start; -1 when they cannot be read. */
int	sha256_fd_hex(int fd, size_t len, char out[65]);
/* The same of bytes given in pieces: sha256_more as often as needed,
 * then sha256_end, which writes the digest and frees the state. */
struct evp_md_ctx_st;
struct evp_md_ctx_st *sha256_begin(void);
void	sha256_more(struct evp_md_ctx_st *c, const void *data, size_t len);
void	sha256_end(struct evp_md_ctx_st *c, char out[65]);

/* Write all len bytes of p to fd: 0, or -1 with errno set. */
int	fd_write(int fd, const void *p, size_t len);
/* Copy the len bytes of the open file from (from its start) to to:
 * 0, or -1 with errno set (EIO when from is shorter). */
int	fd_copy(int to, int from, size_t len);

/* FNV-1a hash for the string tables. */
unsigned long hash_str(const char *s, size_t n);
uint64_t	hash_mix64(uint64_t h);

#endif
