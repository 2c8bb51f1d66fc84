#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "lazylib.h"
#include "util.h"

void
lazylib_load(struct lazylib *l)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	void *h, *fn;
	size_t i;

	pthread_mutex_lock(&lock);
	if (!atomic_load_explicit(&l->loaded, memory_order_relaxed)) {
		/* RTLD_NOW: a missing symbol is said here, not at some
		 * later call. */
		if ((h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL)) == NULL)
			xdie("cannot load %s: %s", l->soname, dlerror());
		for (i = 0; i < l->n; i++) {
			if ((fn = dlsym(h, l->names[i])) == NULL)
				xdie("cannot load %s: %s", l->soname,
				    dlerror());
			/* POSIX gives function pointers the representation
			 * of void *. */
			memcpy((char *)l->table + i * sizeof(fn), &fn,
			    sizeof(fn));
		}
		atomic_store_explicit(&l->loaded, 1, memory_order_release);
	}
	pthread_mutex_unlock(&lock);
}
