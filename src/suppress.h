/*
 * suppress.h - explicit, auditable suppressions of detections.
 *
 * Benign periodic traffic (a vendor agent's heartbeat, a CI runner) is
 * silenced by a list an analyst writes, never by the sensor guessing.  A
 * suppression file holds one entry per line as KEY=VALUE fields:
 *
 *   domain=*.ci.example.workers.dev reason="CI health checks" expires=2027-03-01
 *   source=10.20.0.0/16 rule=faaswatch-periodic reason="lab network"
 *   process=agent.exe domain=telemetry.vendor.app reason="vendor telemetry"
 *
 * Keys: domain (a pattern of the catalogue language: a leading "*" label
 * is one or more labels, "*" inside a label a glob), source (an address or
 * a CIDR network, IPv4 or IPv6), process (a process file name, compared
 * case-insensitively with the file name part of the process), rule (a rule
 * id), reason (required: why; shown in the statistics record), expires (a
 * date YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC; the entry stops matching at
 * that packet time).  Every line needs a reason and at least one of
 * domain, source, process and rule; all the fields given must match.
 * Values may be double-quoted (\" and \\ escape inside).  Blank lines and
 * '#' comments are skipped.  A malformed line is an error naming the file
 * and line.  Matches are counted per entry and reported, so nothing is
 * silenced without a trace.
 */
#ifndef FAASWATCH_SUPPRESS_H
#define FAASWATCH_SUPPRESS_H

#include <stddef.h>
#include <stdint.h>

#define SUPPRESS_MAX_ENTRIES	4096
#define SUPPRESS_MAX_FILE	(1 << 20)	/* bytes */
#define SUPPRESS_FIELD_MAX	255		/* characters of a value */

struct suppress_entry {
	unsigned	 line;
	char		*domain;	/* pattern, or NULL */
	char		*process;	/* or NULL */
	char		*rule;		/* or NULL */
	char		*reason;
	int		 family;	/* 0: no source; 4 or 6 */
	uint8_t		 net[16];
	unsigned	 prefix;	/* bits */
	uint64_t	 expires_us;	/* 0: never */
	uint64_t	 hits;
};

struct suppress;

/* Parses a suppression list from buf (len bytes; name for messages).
 * Returns NULL with "name:line: reason" in err on any error. */
struct suppress	*suppress_parse(const char *buf, size_t len, const char *name,
		    char *err, size_t errlen);

/* Reads and parses path.  Returns NULL with a reason in err. */
struct suppress	*suppress_load(const char *path, char *err, size_t errlen);

/* Accepts NULL. */
void		 suppress_destroy(struct suppress *);

/*
 * The first entry that matches a detection of rule_id for the pair (src,
 * domain) with the given process name (NULL when unknown: entries with a
 * process then do not match) at packet time now_us; its hit count goes up.
 * Returns the entry (borrowed from s) or NULL.
 */
const struct suppress_entry *suppress_match(struct suppress *s, int family,
		    const uint8_t *src, const char *domain, const char *process,
		    const char *rule_id, uint64_t now_us);

size_t		 suppress_count(const struct suppress *);
const struct suppress_entry *suppress_entry_at(const struct suppress *,
		    size_t i);

/* Carries the hit counts of entries with the same line and reason from
 * old into new (a reload of an unchanged file keeps its counts). */
void		 suppress_carry_hits(struct suppress *new_s,
		    const struct suppress *old_s);

#endif /* FAASWATCH_SUPPRESS_H */
