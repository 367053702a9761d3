/*
 * testdata.h - finding and reading the unit tests' data files (included by
 * the cmocka programs after <cmocka.h>).
 *
 * A file tests/REL is looked up under $top_srcdir, then $srcdir (both set
 * by make check, also in VPATH builds), then next to this header (a test
 * run by hand from anywhere).
 */
#ifndef FAASWATCH_TESTDATA_H
#define FAASWATCH_TESTDATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The path of tests/rel into buf; returns 0 when it is readable. */
static inline int
testdata_path(const char *rel, char *buf, size_t len)
{
	static const char *envs[] = { "top_srcdir", "srcdir" };
	const char *sd, *slash;
	size_t i;

	for (i = 0; i < 2; i++) {
		if ((sd = getenv(envs[i])) == NULL)
			continue;
		snprintf(buf, len, "%.800s/tests/%.200s", sd, rel);
		if (access(buf, R_OK) == 0)
			return 0;
	}
	slash = strrchr(__FILE__, '/');
	snprintf(buf, len, "%.*s/../%.200s",
	    slash != NULL ? (int)(slash - __FILE__) : 1,
	    slash != NULL ? __FILE__ : ".", rel);
	return access(buf, R_OK);
}

/* tests/rel whole (fewer than max bytes, not empty) in a malloc'd buffer
 * with a NUL after it; the test fails when it cannot be read. */
static inline char *
testdata_load(const char *rel, size_t max, size_t *lenp)
{
	char path[1024];
	FILE *fp = NULL;
	char *buf;
	size_t n;

	if (testdata_path(rel, path, sizeof(path)) == 0)
		fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot open test data tests/%s", rel);
	assert_non_null(fp);
	buf = malloc(max);
	assert_non_null(buf);
	n = fread(buf, 1, max - 1, fp);
	fclose(fp);
	assert_true(n > 0 && n < max - 1);
	buf[n] = '\0';
	*lenp = n;
	return buf;
}

#endif /* FAASWATCH_TESTDATA_H */
