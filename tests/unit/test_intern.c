/*
 * test_intern.c - the reference-counted string table against intern.h:
 * ids and reference counts, find without a reference, reuse of
 * unreferenced strings first-in-first-out when full, failure when every
 * string is referenced, tags, and a random run against a model.
 *
 * Reference counts are not exported; they are observed the only way a
 * holder can observe them: a string is recycled when, and only when, its
 * count has dropped to zero.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hash.h"
#include "intern.h"

static const struct hash_key test_key = { 0x1111111111111111ULL,
    0x2222222222222222ULL };

static struct intern *
table_new(size_t max)
{
	struct intern *t = intern_create(max, &test_key);

	assert_non_null(t);
	return t;
}

static uint32_t
get(struct intern *t, const char *s)
{
	return intern_get(t, s, strlen(s));
}

static uint32_t
find(const struct intern *t, const char *s)
{
	return intern_find(t, s, strlen(s));
}

static void
test_get_find_str(void **state)
{
	struct intern *t = table_new(8);
	const struct intern_stats *st = intern_stats(t);
	uint32_t a, b, c;
	size_t len;

	(void)state;
	a = get(t, "demo-beacon.workers.dev");
	assert_int_not_equal(a, 0);
	b = get(t, "script.google.com");
	assert_int_not_equal(b, 0);
	assert_int_not_equal(a, b);
	c = get(t, "demo-beacon.workers.dev");
	assert_int_equal(c, a);
	assert_int_equal(st->entries, 2);
	assert_int_equal(st->bytes, strlen("demo-beacon.workers.dev") + 1 +
	    strlen("script.google.com") + 1);

	assert_string_equal(intern_str(t, a, &len), "demo-beacon.workers.dev");
	assert_int_equal(len, 23);
	assert_string_equal(intern_str(t, b, NULL), "script.google.com");
	assert_null(intern_str(t, 0, &len));
	assert_int_equal(len, 0);
	assert_null(intern_str(t, 9999, &len));

	assert_int_equal(find(t, "script.google.com"), b);
	assert_int_equal(find(t, "script.google.co"), 0);
	assert_int_equal(find(t, "SCRIPT.google.com"), 0);	/* bytes */
	assert_int_equal(intern_find(t, "x", 0), 0);
	assert_int_equal(intern_get(t, "x", 0), 0);

	/* prefixes and embedded NULs are distinct strings */
	c = intern_get(t, "demo-beacon.workers.dev", 4);
	assert_int_not_equal(c, a);
	assert_string_equal(intern_str(t, c, &len), "demo");
	c = intern_get(t, "a\0b", 3);
	assert_int_not_equal(c, 0);
	assert_int_equal(intern_find(t, "a\0b", 3), c);
	assert_int_equal(intern_find(t, "a\0c", 3), 0);
	assert_string_equal(intern_str(t, c, &len), "a");
	assert_int_equal(len, 3);
	intern_destroy(t);
}

/* A table of two: a referenced string is never recycled; one whose count
 * drops to zero is. */
static void
test_refcounts(void **state)
{
	struct intern *t = table_new(2);
	const struct intern_stats *st = intern_stats(t);
	uint32_t a, b;

	(void)state;
	a = get(t, "a.workers.dev");		/* refs 1 */
	b = get(t, "b.workers.dev");		/* refs 1 */
	assert_int_equal(get(t, "c.workers.dev"), 0);
	assert_int_equal(st->full, 1);

	/* two more references on a, three drops: still held after two */
	assert_int_equal(get(t, "a.workers.dev"), a);
	intern_ref(t, a);
	intern_unref(t, a);
	intern_unref(t, a);
	assert_int_equal(get(t, "c.workers.dev"), 0);
	assert_int_equal(find(t, "a.workers.dev"), a);
	/* find took no reference: the last drop frees a for reuse */
	intern_unref(t, a);
	assert_int_equal(find(t, "a.workers.dev"), a);	/* cached */
	assert_string_equal(intern_str(t, a, NULL), "a.workers.dev");
	assert_int_equal(get(t, "c.workers.dev"), a);	/* slot reused */
	assert_int_equal(st->reused, 1);
	assert_int_equal(find(t, "a.workers.dev"), 0);
	assert_string_equal(intern_str(t, a, NULL), "c.workers.dev");
	assert_int_equal(st->entries, 2);
	assert_int_equal(st->bytes, 2 * (strlen("a.workers.dev") + 1));

	/* dropping below zero, id 0 and foreign ids are ignored */
	intern_unref(t, b);
	intern_unref(t, b);
	intern_ref(t, 0);
	intern_unref(t, 0);
	intern_ref(t, 77);
	intern_unref(t, 77);
	assert_int_equal(get(t, "b.workers.dev"), b);	/* refs 1 again */
	assert_int_equal(get(t, "d.workers.dev"), 0);
	intern_destroy(t);
}

/* Unreferenced strings are recycled oldest-unreferenced first, and taking
 * a reference again takes a string out of the queue. */
static void
test_reuse_fifo(void **state)
{
	struct intern *t = table_new(3);
	uint32_t a, b, c, d, e;

	(void)state;
	a = get(t, "a");
	b = get(t, "b");
	c = get(t, "c");
	intern_unref(t, b);			/* queue: b */
	intern_unref(t, a);			/* queue: b a */
	intern_unref(t, c);			/* queue: b a c */
	assert_int_equal(get(t, "b"), b);	/* queue: a c */
	d = get(t, "d");
	assert_int_equal(d, a);			/* a was the oldest */
	assert_int_equal(find(t, "a"), 0);
	assert_int_equal(find(t, "c"), c);
	e = get(t, "e");
	assert_int_equal(e, c);
	assert_int_equal(get(t, "f"), 0);	/* b, d, e all held */
	intern_unref(t, d);
	intern_ref(t, d);			/* back out of the queue */
	assert_int_equal(get(t, "f"), 0);
	assert_int_equal(intern_stats(t)->reused, 2);
	assert_int_equal(intern_stats(t)->full, 2);
	intern_destroy(t);
}

static void
test_tags(void **state)
{
	struct intern *t = table_new(2);
	uint32_t a, b;

	(void)state;
	a = get(t, "x1y2z3w4.execute-api.eu-central-1.amazonaws.com");
	b = get(t, "demo-app.vercel.app");
	assert_int_equal(intern_tag(t, a), INTERN_TAG_UNSET);
	intern_set_tag(t, a, 7);
	intern_set_tag(t, b, 0);
	assert_int_equal(intern_tag(t, a), 7);
	assert_int_equal(intern_tag(t, b), 0);
	/* the tag stays with the string across references */
	assert_int_equal(get(t, "demo-app.vercel.app"), b);
	assert_int_equal(intern_tag(t, b), 0);
	intern_clear_tags(t);
	assert_int_equal(intern_tag(t, a), INTERN_TAG_UNSET);
	assert_int_equal(intern_tag(t, b), INTERN_TAG_UNSET);
	intern_set_tag(t, a, 9);
	/* a recycled slot starts unset */
	intern_unref(t, a);
	assert_int_equal(get(t, "new.pages.dev"), a);
	assert_int_equal(intern_tag(t, a), INTERN_TAG_UNSET);
	/* id 0 and unknown ids */
	assert_int_equal(intern_tag(t, 0), INTERN_TAG_UNSET);
	intern_set_tag(t, 0, 5);
	intern_set_tag(t, 99, 5);
	assert_int_equal(intern_tag(t, 99), INTERN_TAG_UNSET);
	intern_destroy(t);
}

static void
test_create_limits(void **state)
{
	(void)state;
	assert_null(intern_create(0, &test_key));
	intern_destroy(NULL);
}

/* ---- random run against a model ------------------------------------------ */

#define M_MAX		16	/* table size */
#define M_NAMES		40	/* distinct strings used */

static uint32_t rng_state = 88172645u;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/*
 * Random gets and drops over 40 names in a table of 16, against a model of
 * reference counts: a name with references is always found with its id
 * and text; a get fails exactly when every one of the 16 strings held is
 * referenced; the number held never exceeds 16.
 */
static void
test_random_against_model(void **state)
{
	struct intern *t = table_new(M_MAX);
	uint32_t refs[M_NAMES], id[M_NAMES];
	char name[M_NAMES][48];
	int i, step;

	(void)state;
	memset(refs, 0, sizeof(refs));
	memset(id, 0, sizeof(id));
	for (i = 0; i < M_NAMES; i++)
		snprintf(name[i], sizeof(name[i]), "n%02d.example.workers.dev",
		    i);
	for (step = 0; step < 20000; step++) {
		int k = (int)(rng() % M_NAMES), held = 0;

		for (i = 0; i < M_NAMES; i++)
			held += refs[i] > 0;
		if (rng() % 2 == 0 || refs[k] == 0) {
			uint32_t got = get(t, name[k]);

			if (refs[k] == 0 && held == M_MAX) {
				assert_int_equal(got, 0);
				continue;
			}
			assert_int_not_equal(got, 0);
			if (refs[k] > 0)
				assert_int_equal(got, id[k]);
			id[k] = got;
			refs[k]++;
		} else {
			intern_unref(t, id[k]);
			refs[k]--;
		}
		for (i = 0; i < M_NAMES; i++) {
			size_t len;

			if (refs[i] == 0)
				continue;
			assert_int_equal(find(t, name[i]), id[i]);
			assert_string_equal(intern_str(t, id[i], &len),
			    name[i]);
			assert_int_equal(len, strlen(name[i]));
		}
		assert_true(intern_stats(t)->entries <= M_MAX);
	}
	intern_destroy(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_find_str),
		cmocka_unit_test(test_refcounts),
		cmocka_unit_test(test_reuse_fifo),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_create_limits),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
