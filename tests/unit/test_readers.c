/* Unit tests of the reading stages: YAML, JSON and CSV bridges, front
 * matter.  Each checks the values and the positions they keep. */
#include <string.h>

#include "arena.h"
#include "csvtab.h"
#include "diag.h"
#include "front.h"
#include "harness.h"
#include "json.h"
#include "source.h"
#include "value.h"
#include "yamlval.h"

static struct arena a;

static struct value *
yaml(const char *text)
{
	struct value *v = NULL;

	if (yamlval_parse(&a, "t.yaml", text, strlen(text), 1, &v) < 0)
		return NULL;
	return v;
}

static void
test_yaml(void)
{
	struct value *v;
	int before;

	v = yaml("a: 1\nb: 0.7245\nc: 0123\nd: true\ne: ~\nf: \"12\"\n"
	    "g: 2023-06-01\nh: [x, y]\n");
	OK(v != NULL && v->kind == VAL_OBJ);
	INT_EQ(value_get(v, "a")->kind, VAL_INT);
	INT_EQ(value_get(v, "b")->kind, VAL_NUM);
	STR_EQ(value_get_str(v, "c"), "0123");	/* codes stay text */
	INT_EQ(value_get(v, "d")->kind, VAL_BOOL);
	INT_EQ(value_get(v, "e")->kind, VAL_NULL);
	STR_EQ(value_get_str(v, "f"), "12");
	STR_EQ(value_get_str(v, "g"), "2023-06-01");
	INT_EQ(value_get(v, "h")->u.arr.len, 2);
	INT_EQ(value_get(v, "h")->line, 8);
	INT_EQ(value_get(v, "h")->col, 4);
	OK(yaml("") != NULL && yaml("")->kind == VAL_OBJ);

	before = diag_errors();
	OK(yaml("a: &x 1\nb: *x\n") == NULL);
	OK(yaml("a: 1\na: 2\n") == NULL);
	OK(yaml("a: [1\n") == NULL);
	OK(yaml("--- 1\n--- 2\n") == NULL);
	OK(yaml("a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n")
	    == NULL);
	INT_EQ(diag_errors() - before, 5);
}

static void
test_json(void)
{
	struct value *v;
	const char *text = "[\n  {\"id\": \"a\", \"n\": 3},\n  {\"id\": \"b\", "
	    "\"r\": 0.75}\n]\n";

	OK(json_parse_array(&a, "t.json", text, strlen(text), &v) == 0);
	INT_EQ(v->u.arr.len, 2);
	INT_EQ(v->u.arr.v[1]->line, 3);
	INT_EQ(v->u.arr.v[1]->col, 3);
	INT_EQ(value_get(v->u.arr.v[0], "n")->kind, VAL_INT);
	INT_EQ(value_get(v->u.arr.v[1], "r")->kind, VAL_NUM);
	OK(json_parse_array(&a, "t.json", "{}", 2, &v) < 0 && v == NULL);
	OK(json_parse_array(&a, "t.json", "[1,]", 4, &v) < 0 && v == NULL);
	/* A duplicate key is an error that still leaves the records. */
	OK(json_parse_array(&a, "t.json", "[{\"a\":1,\"a\":2}]", 15, &v) < 0);
	OK(v != NULL && value_get(v->u.arr.v[0], "a")->u.i == 1);
	OK(json_parse(&a, "t.json", "[1] x", 5, &v) < 0);
}

static void
test_csv(void)
{
	struct csvtab t;
	const char *text = "\xef\xbb\xbf" "id,name\n1,\"福泉,\n市\"\n\n2,\"说\"\"明\"\n";

	OK(csvtab_parse(&t, &a, "t.csv", text, strlen(text)) == 0);
	INT_EQ(t.n, 3);
	STR_EQ(t.rows[0].fields[0], "id");	/* BOM dropped */
	INT_EQ(t.rows[1].line, 2);
	STR_EQ(t.rows[1].fields[1], "福泉,\n市");
	INT_EQ(t.rows[2].line, 5);
	STR_EQ(t.rows[2].fields[1], "说\"明");
	INT_EQ(csvtab_column(&t, "name"), 1);
	OK(csvtab_parse(&t, &a, "t.csv", "a,b\n1\n", 6) < 0);
	OK(csvtab_parse(&t, &a, "t.csv", "a\n\"x\n", 5) < 0);
	OK(csvtab_parse(&t, &a, "t.csv", "a\nx\"y\n", 6) < 0);
}

static void
test_front(void)
{
	struct front fm;
	struct sfile f = { .path = "n.md",
	    .data = "---\ntitle: 标题\n---\n\n正文\n" };

	f.len = strlen(f.data);
	OK(front_parse(&fm, &a, &f) == 0);
	STR_EQ(value_get_str(fm.meta, "title"), "标题");
	INT_EQ(value_get(fm.meta, "title")->line, 2);
	INT_EQ(fm.body_line, 4);
	OK(fm.body_len == strlen("\n正文\n"));
	f.data = "title: x\n";
	f.len = strlen(f.data);
	OK(front_parse(&fm, &a, &f) < 0);
	f.data = "---\ntitle: x\n";
	f.len = strlen(f.data);
	OK(front_parse(&fm, &a, &f) < 0);
	f.data = "---\n- a\n---\n";
	f.len = strlen(f.data);
	OK(front_parse(&fm, &a, &f) < 0);
}

int
main(void)
{
	arena_init(&a);
	diag_set_verbosity(0);
	test_yaml();
	test_json();
	test_csv();
	test_front();
	arena_release(&a);
	return harness_done("readers");
}
