/*
 * value: the dynamic data of the site model.
 *
 * Front matter (YAML), records (CSV/JSON), hearth.yaml and the contexts
 * handed to templates are all trees of struct value.  Values are allocated
 * in an arena and never freed one by one; once built they are treated as
 * immutable, so a subtree may be shared by many page contexts and read from
 * several threads.  Objects keep insertion order (schema order in output).
 */
#ifndef HEARTH_VALUE_H
#define HEARTH_VALUE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct buf;

enum value_kind {
	VAL_NULL,
	VAL_BOOL,
	VAL_INT,
	VAL_NUM,
	VAL_STR,
	VAL_ARR,
	VAL_OBJ,
	VAL_FUNC	/* a Mustache lambda supplied by the host */
};

/*
 * A lambda.  For an interpolation text is NULL; for a section it is the raw
 * section text.  The function appends template source to out, which the
 * engine then renders.  Returns 0, or -1 after reporting through diag.
 */
typedef int (*value_fn)(struct buf *out, const char *text, size_t len,
    void *ud);

struct member {
	const char	*key;
	struct value	*val;
};

struct value {
	enum value_kind	kind;
	bool		html;	/* VAL_STR holding HTML that hearth made
				   (rendered Markdown, charts, maps): the only
				   strings a safe template set outputs
				   unescaped */
	int		line;	/* source position, 0 when made by hearth */
	int		col;
	union {
		bool	b;
		long long i;
		struct {
			double	d;
			int	prec;	/* decimals to print, -1: shortest */
		} num;
		struct {
			const char *s;	/* NUL-terminated, UTF-8 */
			size_t	len;
		} str;
		struct {
			struct value **v;
			size_t	len, cap;
		} arr;
		struct {
			struct member *m;
			size_t	len, cap;
		} obj;
		struct {
			value_fn fn;
			void	*ud;
		} fn;
	} u;
};

/* Constructors; all allocate from a (strings are copied unless noted). */
struct value *value_null(struct arena *a);
struct value *value_bool(struct arena *a, bool b);
struct value *value_int(struct arena *a, long long i);
struct value *value_num(struct arena *a, double d, int prec);
struct value *value_str(struct arena *a, const char *s);
struct value *value_strn(struct arena *a, const char *s, size_t n);
/* s must outlive the value (e.g. already in the same arena); not copied. */
struct value *value_str_borrow(struct arena *a, const char *s, size_t n);
struct value *value_strf(struct arena *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Trusted HTML (see struct value): copied, or borrowed like
 * value_str_borrow. */
struct value *value_html(struct arena *a, const char *s, size_t n);
struct value *value_html_borrow(struct arena *a, const char *s, size_t n);
struct value *value_arr(struct arena *a);
struct value *value_obj(struct arena *a);
/* An empty object with room for n members. */
struct value *value_obj_n(struct arena *a, size_t n);
struct value *value_func(struct arena *a, value_fn fn, void *ud);

/* Append to an array. */
void	value_push(struct arena *a, struct value *arr, struct value *v);
/* Set key in an object: replaces an existing member, else appends.  key is
 * copied. */
void	value_set(struct arena *a, struct value *obj, const char *key,
	    struct value *v);
/* Append a member whose key the object has not got (unchecked), keeping
 * key as given (it must live as long as obj): for tables of thousands of
 * rows built in one go. */
void	value_append(struct arena *a, struct value *obj, const char *key,
	    struct value *v);
/* Convenience setters. */
void	value_set_str(struct arena *a, struct value *obj, const char *key,
	    const char *s);
void	value_set_int(struct arena *a, struct value *obj, const char *key,
	    long long i);
void	value_set_bool(struct arena *a, struct value *obj, const char *key,
	    bool b);

/* Member of an object, or NULL (also when obj is not an object). */
struct value *value_get(const struct value *obj, const char *key);
/* String member or NULL. */
const char *value_get_str(const struct value *obj, const char *key);

/* Shallow copy of an object (members shared) so a view can add keys. */
struct value *value_obj_copy(struct arena *a, const struct value *obj);

/*
 * Give out a null for every key of was that out lacks, through objects
 * and lists of the same length: a value that went through Lua (where a
 * nil key does not exist) keeps the names it had, as null.
 */
void	value_keep_names(struct arena *a, struct value *out,
	    const struct value *was);

/* Mustache truthiness: null, false, "" and [] are false. */
bool	value_truthy(const struct value *v);

/* Append the text form (strings raw, numbers printed; containers print
 * nothing) to b. */
void	value_text(struct buf *b, const struct value *v);
/* v as bytes that no other value gives (its kind, then what it holds),
 * for a digest of it. */
void	value_bytes(struct buf *b, const struct value *v);

/* Name of a kind, for messages ("string", "integer", ...), in the
 * language of messages (diag.h). */
const char *value_kind_name(enum value_kind k);

/* Deep equality (numbers compared by value, object members by key). */
bool	value_equal(const struct value *x, const struct value *y);

#endif
