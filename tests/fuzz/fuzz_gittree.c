/*
 * fuzz_gittree: reading a revision's files (repo_files, the bounded walk
 * of --rev builds, release rebuilds and federation) from a repository
 * made of the input, in memory (libgit2's mempack backend).
 *
 * The input is a list of objects, each: a kind byte, a 16-bit length, then
 * its body.  Kind 0 is a blob of those bytes; kind 1 a tree written from
 * entries (a mode byte: file, folder, link or submodule; a name length
 * and name; the index of an earlier object it points to), so trees nest
 * and share; kind 2 a tree whose body is taken raw (malformed trees).  The
 * last tree becomes a commit's tree, read once with the site's roots and
 * once whole under a mount, and walked as history is (repo_walk's paths
 * of a root commit), below the roots and whole.  Errors are expected
 * outcomes; crashes, hangs, leaks and out-of-bounds reads are not.
 */
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/repository.h>

#include "arena.h"
#include "buf.h"
#include "fuzz.h"
#include "repo.h"

#define MAXOBJ	64

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	git_libgit2_init();
	return 0;
}

static int
count(const char *path, const char *data, size_t len, void *ud)
{
	size_t *n = ud;

	(void)path;
	(void)data;
	*n += len;
	return 0;
}

static int
changed(const struct commit *c, const char *const *paths, size_t n, void *ud)
{
	size_t *total = ud;

	(void)c;
	(void)paths;
	*total += n;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const modes[] = { "100644", "40000", "120000",
	    "160000" };
	static const char *const roots[] = { "hearth.yaml", "content",
	    "themes", "plugins" };
	git_odb_backend *mem = NULL;
	git_odb *odb = NULL;
	git_repository *g = NULL;
	git_oid ids[MAXOBJ], tree, commit;
	git_signature *sig = NULL;
	git_tree *t = NULL;
	struct repo *r;
	struct commit c;
	struct arena a;
	struct buf b;
	size_t i = 0, nobj = 0, bytes = 0;
	int last = -1;

	diag_reset();
	if (git_mempack_new(&mem) < 0 || git_odb_new(&odb) < 0 ||
	    git_odb_add_backend(odb, mem, 1) < 0 ||
	    git_repository_wrap_odb(&g, odb) < 0)
		abort();
	/* The repository holds its own reference; ours goes, with the
	 * objects, when the repository does. */
	git_odb_free(odb);
	buf_init(&b);
	while (i + 3 <= size && nobj < MAXOBJ) {
		unsigned kind = data[i] % 3;
		size_t len = (size_t)data[i + 1] << 8 | data[i + 2], j;
		const uint8_t *body = data + i + 3;

		i += 3;
		if (len > size - i)
			len = size - i;
		i += len;
		buf_reset(&b);
		if (kind == 1) {	/* entries, by index */
			for (j = 0; j + 2 < len;) {
				unsigned m = body[j] % 4, nl = body[j + 1] % 16;

				j += 2;
				if (j + nl + 1 > len)
					break;
				buf_printf(&b, "%s %.*s", modes[m], (int)nl,
				    (const char *)body + j);
				buf_putc(&b, '\0');
				j += nl;
				buf_put(&b, nobj > 0 ? ids[body[j] % nobj].id :
				    (const unsigned char *)"\0\0\0\0\0\0\0\0\0\0"
				    "\0\0\0\0\0\0\0\0\0\0", 20);
				j++;
			}
		} else
			buf_put(&b, body, len);
		if (git_odb_write(&ids[nobj], odb, b.data ? b.data : "", b.len,
		    kind == 0 ? GIT_OBJECT_BLOB : GIT_OBJECT_TREE) < 0)
			continue;
		if (kind != 0)
			last = (int)nobj;
		nobj++;
	}
	buf_release(&b);
	if (last >= 0 && git_signature_new(&sig, "x", "x@example.org", 0,
	    0) == 0) {
		tree = ids[last];
		if (git_tree_lookup(&t, g, &tree) == 0 &&
		    git_commit_create(&commit, g, NULL, sig, sig, NULL, "x", t,
		    0, NULL) == 0) {
			memset(&c, 0, sizeof(c));
			git_oid_tostr(c.id, sizeof(c.id), &commit);
			r = repo_wrap(g, "fuzz");
			g = NULL;
			repo_files(r, &c, "", roots, 4, count, &bytes);
			repo_files(r, &c, "content/counties/990101/", NULL, 0,
			    count, &bytes);
			arena_init(&a);
			repo_walk(r, NULL, 0, roots, 4, c.id, changed, &bytes,
			    &a);
			repo_walk(r, NULL, 0, NULL, 0, c.id, changed, &bytes,
			    &a);
			arena_release(&a);
			repo_free(r);
		}
		git_tree_free(t);
		git_signature_free(sig);
	}
	git_error_clear();
	if (g != NULL)
		git_repository_free(g);
	return 0;
}
