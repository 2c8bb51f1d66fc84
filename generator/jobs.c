#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "diag.h"
#include "jobs.h"
#include "util.h"

struct pool {
	atomic_size_t	 next;
	size_t		 n;
	jobs_fn		 fn;
	void		*ud;
};

struct worker {
	struct pool	*pool;
	int		 id;
	pthread_t	 thread;
};

int
jobs_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	size_t i;

	while ((i = atomic_fetch_add(&w->pool->next, 1)) < w->pool->n)
		w->pool->fn(i, w->id, w->pool->ud);
	return NULL;
}

void
jobs_run(size_t n, int nthreads, jobs_fn fn, void *ud)
{
	struct pool pool;
	struct worker *ws;
	int i;

	if (nthreads < 1)
		nthreads = 1;
	if ((size_t)nthreads > n)
		nthreads = n > 0 ? (int)n : 1;
	atomic_init(&pool.next, 0);
	pool.n = n;
	pool.fn = fn;
	pool.ud = ud;
	ws = xcalloc((size_t)nthreads, sizeof(*ws));
	for (i = 0; i < nthreads; i++) {
		ws[i].pool = &pool;
		ws[i].id = i;
	}
	for (i = 1; i < nthreads; i++)
		if (pthread_create(&ws[i].thread, NULL, work, &ws[i]) != 0)
			xdie("cannot start a worker thread");
	work(&ws[0]);
	for (i = 1; i < nthreads; i++)
		pthread_join(ws[i].thread, NULL);
	free(ws);
}

bool
jobs_run_quiet(size_t n, int nthreads, jobs_fn fn, void *ud)
{
	bool quiet;

	if (nthreads < 2 || n < 2 || diag_quiet_errors())
		return false;
	diag_set_quiet_errors(1);
	jobs_run(n, nthreads, fn, ud);
	quiet = diag_muted() == 0;
	diag_set_quiet_errors(0);
	return quiet;
}
