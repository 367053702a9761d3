/*
 * fuzz_catalogue.c - the catalogue loader and matcher under hostile bytes.
 *
 * Each input is used three ways: as one host name against the built-in
 * table; as a --catalogue file (through fmemopen); and line by line as names
 * against the built-in table and the loaded one.  Every match is checked
 * against a slow, independent reference matcher written here from the
 * pattern language in catalogue.h: the fast matcher must find a match
 * exactly when the reference does, and its answer must match the name and
 * be among the most specific matching entries.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REF_MAX_LABELS	256
/* The reference matcher is slow: bound the work per input. */
#define FUZZ_MAX_PATTERN_NAMES	16	/* entries made into names */
#define FUZZ_MAX_LINES		32	/* lines tried as names */

struct ref_labels {
	size_t		 n;
	const char	*p[REF_MAX_LABELS];
	size_t		 len[REF_MAX_LABELS];
};

static int
ref_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

/* Splits s at dots; empty labels kept (the caller rejects them). */
static void
ref_split(const char *s, size_t len, struct ref_labels *l)
{
	size_t i, start = 0;

	l->n = 0;
	for (i = 0; i <= len && l->n < REF_MAX_LABELS; i++)
		if (i == len || s[i] == '.') {
			l->p[l->n] = s + start;
			l->len[l->n] = i - start;
			l->n++;
			start = i + 1;
		}
}

/* Glob by dynamic programming: d[i][j] = pattern[i..] matches label[j..]. */
static int
ref_glob(const char *p, size_t pn, const char *s, size_t sn)
{
	static unsigned char d[64 + 1][256 + 1];
	size_t i, j;

	if (pn > 64 || sn > 256)
		abort();
	for (i = pn + 1; i-- > 0;)
		for (j = sn + 1; j-- > 0;) {
			if (i == pn)
				d[i][j] = j == sn;
			else if (p[i] == '*')
				d[i][j] = d[i + 1][j] ||
				    (j < sn && d[i][j + 1]);
			else
				d[i][j] = j < sn &&
				    ref_lower((unsigned char)s[j]) == p[i] &&
				    d[i + 1][j + 1];
		}
	return d[0][0];
}

/* Whether name is a name the matcher may match at all. */
static int
ref_name_ok(const char *name, size_t len, struct ref_labels *nl)
{
	size_t i;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > 255)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x21 ||
		    (unsigned char)name[i] > 0x7e)
			return 0;
	ref_split(name, len, nl);
	for (i = 0; i < nl->n; i++)
		if (nl->len[i] == 0)
			return 0;
	return 1;
}

/* Pattern labels from pi on against name labels from ni on. */
static int
ref_rec(const struct ref_labels *pl, size_t pi, const struct ref_labels *nl,
    size_t ni)
{
	size_t m;

	if (pi == pl->n)
		return ni == nl->n;
	if (pi == 0 && pl->len[0] == 1 && pl->p[0][0] == '*' && pl->n > 1) {
		for (m = 1; m <= nl->n; m++)
			if (ref_rec(pl, 1, nl, m))
				return 1;
		return 0;
	}
	return ni < nl->n && ref_glob(pl->p[pi], pl->len[pi], nl->p[ni],
	    nl->len[ni]) && ref_rec(pl, pi + 1, nl, ni + 1);
}

static int
ref_match(const char *pattern, const struct ref_labels *nl)
{
	struct ref_labels pl;

	ref_split(pattern, strlen(pattern), &pl);
	return ref_rec(&pl, 0, nl, 0);
}

/* Specificity as catalogue.h states it: literal labels, literal
 * characters, labels. */
static void
ref_rank(const char *pattern, long r[3])
{
	struct ref_labels pl;
	size_t i, j;

	ref_split(pattern, strlen(pattern), &pl);
	r[0] = r[1] = 0;
	r[2] = (long)pl.n;
	for (i = 0; i < pl.n; i++) {
		int star = 0;

		for (j = 0; j < pl.len[i]; j++) {
			if (pl.p[i][j] == '*')
				star = 1;
			else
				r[1]++;
		}
		if (!star)
			r[0]++;
	}
}

static int
ref_cmp(const long a[3], const long b[3])
{
	int i;

	for (i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* The differential check of one name (len bytes at name). */
static void
check_name(const struct catalogue *cat, const char *name, size_t len)
{
	static struct ref_labels nl;
	const struct catalogue_entry *e, *x, *first = NULL;
	long best[3], r[3];
	size_t i;
	int ok;

	e = catalogue_match(cat, name, len);
	ok = ref_name_ok(name, len, &nl);
	for (i = 0; ok && i < catalogue_size(cat); i++) {
		x = catalogue_entry_at(cat, i);
		if (!ref_match(x->pattern, &nl))
			continue;
		ref_rank(x->pattern, r);
		if (first == NULL || ref_cmp(r, best) > 0) {
			first = x;
			memcpy(best, r, sizeof(best));
		}
	}
	/* the earliest of the most specific matching entries */
	if (e != first)
		abort();
}

/*
 * Names built from a pattern by replacing each '*' with a fixed string.
 * With "x" the name is always valid and always matched (by its own pattern
 * if by nothing more specific); the others ("", "x-y", "a.b") make empty
 * globs, empty labels and extra labels, checked against the reference.
 */
static void
check_pattern_names(const struct catalogue *cat, const char *pattern)
{
	static const char *const subst[] = { "x", "", "x-y", "a.b" };
	char name[1024];
	size_t i, k, n, sl;

	for (k = 0; k < sizeof(subst) / sizeof(subst[0]); k++) {
		sl = strlen(subst[k]);
		for (i = 0, n = 0; pattern[i] != '\0'; i++) {
			if (pattern[i] == '*') {
				memcpy(name + n, subst[k], sl);
				n += sl;
			} else
				name[n++] = pattern[i];
		}
		if (k == 0 && catalogue_match(cat, name, n) == NULL)
			abort();
		check_name(cat, name, n);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct catalogue *builtin;
	struct catalogue *cat;
	const struct catalogue_entry *e;
	char err[256], *copy;
	size_t i, start, word, lines;
	FILE *fp;

	if (builtin == NULL && (builtin = catalogue_create_builtin()) == NULL)
		abort();
	if (size > 1 << 20)
		return 0;
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);

	/* the whole input as one name */
	check_name(builtin, copy, size);

	/* the input as a catalogue file */
	cat = NULL;
	fp = size > 0 ? fmemopen(copy, size, "r") : fopen("/dev/null", "r");
	if (fp != NULL) {
		cat = catalogue_load_stream(fp, "fuzz", err, sizeof(err));
		fclose(fp);
		if (cat == NULL && strncmp(err, "fuzz", 4) != 0)
			abort();	/* every error names the file */
	}
	if (cat != NULL) {
		if (catalogue_size(cat) == 0 ||
		    catalogue_size(cat) > CATALOGUE_MAX_PATTERNS)
			abort();
		for (i = 0; i < catalogue_size(cat); i++) {
			e = catalogue_entry_at(cat, i);
			if (catalogue_pattern_check(e->pattern,
			    strlen(e->pattern), NULL, 0) != 0 ||
			    strcmp(e->class_name,
			    catalogue_class_name(e->cls)) != 0)
				abort();
			if (i < FUZZ_MAX_PATTERN_NAMES)
				check_pattern_names(cat, e->pattern);
		}
	}

	/* each line, and its first word, as a name */
	for (i = 0, start = 0, lines = 0; i <= size &&
	    lines < FUZZ_MAX_LINES; i++) {
		if (i < size && copy[i] != '\n')
			continue;
		lines++;
		for (word = start; word < i && copy[word] != ' ' &&
		    copy[word] != '\t'; word++)
			;
		check_name(builtin, copy + start, i - start);
		check_name(builtin, copy + start, word - start);
		if (cat != NULL) {
			check_name(cat, copy + start, i - start);
			check_name(cat, copy + start, word - start);
		}
		start = i + 1;
	}
	catalogue_destroy(cat);
	free(copy);
	return 0;
}
