/*
 * catalogue.h - which host names belong to serverless, edge and tunnel
 * platforms.
 *
 * The catalogue is a list of host name patterns, each naming a provider, a
 * platform and a class (serverless, edge, ...).  A built-in list is compiled
 * into the program: every row of the project's serverless_catalogue.tsv plus
 * the suffixes of the reference hunting rule that the TSV does not cover.
 * --catalogue FILE replaces it.  The module owns the entries and their
 * strings; callers borrow them until catalogue_destroy().
 *
 * Pattern language (one pattern = labels separated by '.'):
 *   - a pattern without '*' matches exactly that name;
 *   - a leading label that is exactly "*" matches ONE OR MORE whole labels:
 *     "*.workers.dev" matches demo-beacon.workers.dev and a.b.workers.dev,
 *     never workers.dev itself;
 *   - any other label that is exactly "*" matches exactly one label:
 *     "*.execute-api.*.amazonaws.com";
 *   - a '*' inside a label is a glob (zero or more characters) within that
 *     label only: "*-*.*.workers.dev", "faas-*.doserverless.co",
 *     "*-script.googleusercontent.com";
 *   - the last label must be literal (no pattern can match every name);
 *   - allowed characters: a-z 0-9 '-' '_' and '*' (upper case is folded);
 *     labels 1..63 characters, the whole pattern at most 255; one trailing
 *     dot is ignored.
 * Names match on label boundaries only (evilworkers.dev is not under
 * workers.dev, nor is workers.dev.evil.com), case-insensitively (ASCII),
 * with one trailing dot ignored.  A name matches nothing if it is empty,
 * longer than 255 characters, has an empty label, or holds a byte outside
 * printable ASCII (0x21..0x7e).  Label lengths are not checked on names: a
 * client can send an SNI with a 64-character label (pcaps/crafted/
 * long_sni.pcap does) and it still sits under the platform's suffix.
 *
 * When several patterns match, the most specific one wins: the one with
 * more literal labels, then more literal characters, then more labels; on a
 * full tie the earlier entry.  So "a1b2c3d4-api.acme.workers.dev" is a
 * Workers preview URL and "api.acme.workers.dev" a production route.  Some
 * names cannot be told apart by any pattern: a production Worker whose
 * name has a '-' looks like an alias preview ("api-relay.acme.workers.dev"
 * is reported as a preview), and API Gateway REST and WebSocket APIs share
 * one name form (reported as REST/HTTP).  The class is the same either way.
 *
 * Classes are counted or not by a class mask (default: every class but
 * cdn).  A name whose best match is in an uncounted class is "not counted":
 * it is still reported by catalogue_classify() so --match can say what it
 * is.
 *
 * Catalogue files.  Two formats, chosen by the first line that is neither
 * blank nor a '#' comment:
 *   - TSV with a header row (a first line with tabs naming at least two
 *     of the required columns): tab-separated columns located by name
 *     (case-insensitive): provider, product (or platform), class, pattern
 *     are required; tenant_unique (yes/no) and doc_source (or source) are
 *     optional; other columns are ignored.
 *   - simple: "PATTERN CLASS [LABEL...]" separated by blanks; LABEL is the
 *     rest of the line (the platform name; the pattern when absent) and the
 *     provider is "custom".
 * In both, blank lines and lines whose first non-blank character is '#' are
 * skipped, a trailing CR is dropped, a last line without LF counts, and
 * every field must be printable ASCII.  Any malformed line is an error: loading stops and reports
 * "FILE:LINE: reason".  A file with no pattern is an error too.
 */
#ifndef FAASWATCH_CATALOGUE_H
#define FAASWATCH_CATALOGUE_H

#include <stddef.h>
#include <stdio.h>

/* ---- limits (structural caps for --catalogue files) ------------------- */
#define CATALOGUE_MAX_PATTERNS		4096	/* entries in one catalogue */
#define CATALOGUE_LINE_MAX		2048	/* bytes per line, no EOL */
#define CATALOGUE_PATTERN_MAX		255	/* as a DNS name */
#define CATALOGUE_LABEL_MAX		63	/* as a DNS label */
#define CATALOGUE_PROVIDER_MAX		64	/* characters */
#define CATALOGUE_PLATFORM_MAX		128	/* characters */
#define CATALOGUE_SOURCE_MAX		512	/* characters */
#define CATALOGUE_TSV_MAX_COLUMNS	32	/* columns in a TSV header */
#define CATALOGUE_ERR_LEN		512	/* advised size of err buffers */

enum catalogue_class {
	CATALOGUE_SERVERLESS,		/* "serverless" */
	CATALOGUE_EDGE,			/* "edge" */
	CATALOGUE_STATIC_FUNCTIONS,	/* "static-with-functions" */
	CATALOGUE_PAAS,			/* "paas" */
	CATALOGUE_SHARED_SCRIPT_HOST,	/* "shared-script-host" */
	CATALOGUE_TUNNEL,		/* "tunnel" */
	CATALOGUE_CDN,			/* "cdn" */
	CATALOGUE_NCLASSES
};

#define CATALOGUE_CLASS_BIT(c)		(1u << (unsigned)(c))
#define CATALOGUE_MASK_ALL		((1u << CATALOGUE_NCLASSES) - 1)
#define CATALOGUE_MASK_DEFAULT		\
	(CATALOGUE_MASK_ALL & ~CATALOGUE_CLASS_BIT(CATALOGUE_CDN))

/* One pattern.  Every string is NUL-terminated and never NULL ("" when a
 * file did not give it); all are owned by the catalogue. */
struct catalogue_entry {
	const char		*provider;	/* "Cloudflare" */
	const char		*platform;	/* "Workers (production
						   route)" */
	const char		*class_name;	/* "edge" */
	const char		*pattern;	/* "*.*.workers.dev" (lower
						   case) */
	const char		*source;	/* documentation stating it */
	enum catalogue_class	 cls;
	int			 tenant_unique;	/* 1: per-tenant name; 0: shared
						   host; -1: unknown */
};

enum catalogue_verdict {
	CATALOGUE_NO_MATCH,		/* not a catalogued name */
	CATALOGUE_COUNTED,		/* best match is in a counted class */
	CATALOGUE_NOT_COUNTED		/* best match is in a masked class */
};

struct catalogue;

/* The built-in list, class mask CATALOGUE_MASK_DEFAULT.  Returns NULL if out
 * of memory.  Caller frees with catalogue_destroy(). */
struct catalogue	*catalogue_create_builtin(void);

/* Loads a replacement list from path (formats above).  Returns NULL on any
 * error, with "path:line: reason" (or "path: reason") written to err (may be
 * NULL; truncated to errlen).  Caller frees with catalogue_destroy(). */
struct catalogue	*catalogue_load(const char *path, char *err,
			    size_t errlen);

/* As catalogue_load() from an open stream (borrowed, not closed); name is
 * only used in messages. */
struct catalogue	*catalogue_load_stream(FILE *fp, const char *name,
			    char *err, size_t errlen);

/* Frees the catalogue and every entry; accepts NULL. */
void			 catalogue_destroy(struct catalogue *cat);

/* The most specific entry matching the name (len bytes, need not be
 * NUL-terminated), whatever its class; NULL if none matches or the name is
 * malformed.  The entry is borrowed from cat.  No allocation; cost
 * O(patterns x labels). */
const struct catalogue_entry *catalogue_match(const struct catalogue *cat,
			    const char *name, size_t len);

/* catalogue_match() plus the class mask.  *entry (if entry is not NULL) is
 * set to the best match, or NULL for CATALOGUE_NO_MATCH. */
enum catalogue_verdict	 catalogue_classify(const struct catalogue *cat,
			    const char *name, size_t len,
			    const struct catalogue_entry **entry);

/* Class mask: bit CATALOGUE_CLASS_BIT(c) set means class c counts.  Bits
 * outside CATALOGUE_MASK_ALL are ignored. */
void			 catalogue_set_class_mask(struct catalogue *cat,
			    unsigned mask);
unsigned		 catalogue_class_mask(const struct catalogue *cat);
/* 1 if class cls counts under cat's mask, 0 if not (or cls is invalid). */
int			 catalogue_class_counts(const struct catalogue *cat,
			    enum catalogue_class cls);

/* Parses a comma-separated class list ("serverless,edge,tunnel"; "all" for
 * every class; "default" for CATALOGUE_MASK_DEFAULT) into *mask.  Returns
 * 0, or -1 with a reason in err (and *mask untouched). */
int			 catalogue_class_mask_parse(const char *list,
			    unsigned *mask, char *err, size_t errlen);

/* "serverless", ...; "?" for an invalid value.  Static strings. */
const char		*catalogue_class_name(enum catalogue_class cls);
/* Looks up a class name (len bytes, case-insensitive).  Returns 0 and sets
 * *cls, or -1 if unknown. */
int			 catalogue_class_from_name(const char *s, size_t len,
			    enum catalogue_class *cls);
/* "no-match", "counted", "not-counted".  Static strings. */
const char		*catalogue_verdict_name(enum catalogue_verdict v);

/* Number of entries, and entry i (0 <= i < size; NULL otherwise), in table
 * order, for --list and documentation.  Entries are borrowed from cat. */
size_t			 catalogue_size(const struct catalogue *cat);
const struct catalogue_entry *catalogue_entry_at(const struct catalogue *cat,
			    size_t i);

/* The index i of an entry of cat (catalogue_entry_at(cat, i) == e), in
 * O(1): callers can cache a match as a small integer.  Returns
 * CATALOGUE_NO_INDEX if e is NULL or not an entry of cat. */
#define CATALOGUE_NO_INDEX		((size_t)-1)
size_t			 catalogue_entry_index(const struct catalogue *cat,
			    const struct catalogue_entry *e);

/* Whether name (len bytes) matches one pattern of the language above (as
 * given: it is canonicalised here); an invalid pattern or name matches
 * nothing.  For lists of patterns outside a catalogue (suppressions). */
int			 catalogue_pattern_match(const char *pattern,
			    const char *name, size_t len);

/* Checks one pattern against the language above.  Returns 0, or -1 with a
 * reason in err (may be NULL). */
int			 catalogue_pattern_check(const char *pattern,
			    size_t len, char *err, size_t errlen);

#endif /* FAASWATCH_CATALOGUE_H */
