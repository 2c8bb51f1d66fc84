/*
 * lazylib: libraries only some runs need, opened when first used.
 *
 * Every start of hearth maps and relocates its libraries before main.
 * GEOS (with the C++ runtime), libmicrohttpd (with GnuTLS) and
 * libxlsxwriter were 14 of the 24 ms that cost, though most runs (a build
 * with nothing to do, a check) call none of them.  Their modules call
 * through a table of pointers typed from the library's own header:
 *
 *	#define GEOS_FNS(X) X(GEOS_init_r) X(GEOS_finish_r)
 *	LAZYLIB(geos, GEOS_SONAME, GEOS_FNS)
 *	...	geos_load(); h = geos.GEOS_init_r();
 *
 * NAME_load() opens the library and sets every pointer on its first call,
 * from any thread; a library or symbol that is missing ends the run with a
 * message naming it, as the dynamic loader would have at start.
 */
#ifndef HEARTH_LAZYLIB_H
#define HEARTH_LAZYLIB_H

#include <stdatomic.h>
#include <stddef.h>

struct lazylib {
	const char		*soname;	/* "libgeos_c.so.1" */
	const char *const	*names;	/* symbols, in table order */
	size_t			 n;
	void			*table;	/* n function pointers */
	atomic_int		 loaded;
};

/* Open l->soname and fill l->table, once; dies when it cannot. */
void	lazylib_load(struct lazylib *l);

#define LAZYLIB_PTR(f)	__typeof__(f) *f;
#define LAZYLIB_NAME(f)	#f,
#define LAZYLIB(name, soname, FNS)					\
	_Static_assert(sizeof(soname) > 1, "no soname for " #name);	\
	static struct { FNS(LAZYLIB_PTR) } name;			\
	static const char *const name##_names[] = { FNS(LAZYLIB_NAME) }; \
	static struct lazylib name##_lib = { soname, name##_names,	\
	    sizeof(name##_names) / sizeof(name##_names[0]), &name, 0 }; \
	static inline void name##_load(void)				\
	{								\
		if (!atomic_load_explicit(&name##_lib.loaded,		\
		    memory_order_acquire))				\
			lazylib_load(&name##_lib);			\
	}

#endif
