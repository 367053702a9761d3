/*
 * enrich_geo.h - AS and geo enrichment of addresses from MaxMind DB files.
 *
 * Opens an ASN database and/or a City (or Country) database with
 * libmaxminddb and looks addresses up in them: AS number and organisation
 * from GeoLite2-ASN, GeoIP2-ISP and DB-IP ASN Lite (the same keys), from
 * GeoIP2-Enterprise-style traits or from IPinfo's flat "asn"/"as_name";
 * country ISO code and name, city name, continent code and location from
 * GeoLite2/GeoIP2 City and Country, DB-IP City Lite (the same keys, names
 * in English) or IPinfo's flat keys.  Fields a database lacks are absent.
 *
 * The module owns the mapped databases and two small caches: answers by
 * address, and decoded records by their place in each database.  A lookup
 * allocates nothing (libmaxminddb walks the mapped file); one struct
 * enrich_geo is not thread-safe because of the caches: open one per
 * thread.  Database files are input like any other: a damaged one gives an
 * error at open or counted lookup errors, never a crash.
 */
#ifndef FAASWATCH_ENRICH_GEO_H
#define FAASWATCH_ENRICH_GEO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Bytes of each name (organisation, country, city), NUL included; a longer
 * one is cut at the last whole UTF-8 character and counted. */
#define ENRICH_GEO_STR_LEN	128
/* Bytes of a code (country ISO 3166-1 alpha-2, continent), NUL included. */
#define ENRICH_GEO_CODE_LEN	4
/* Answers kept in the cache of recent lookups (a power of two >= 2; 0:
 * none).  A lookup in both databases costs 2.5 us when they are in the CPU
 * caches and 5 us when not; an answer from here 0.15 us (the unit test's
 * ENRICH_GEO_BENCH=N measures it). */
#ifndef ENRICH_GEO_CACHE_SLOTS
#define ENRICH_GEO_CACHE_SLOTS	256
#endif
/* Decoded records kept per database, by their offset in the data section
 * (a power of two; 0: none): networks of one AS or one city share one, and
 * decoding is most of a lookup's cost when the tree walk is cached. */
#ifndef ENRICH_GEO_RECORD_SLOTS
#define ENRICH_GEO_RECORD_SLOTS	128
#endif
/* Language of the names read from "names" maps. */
#define ENRICH_GEO_LANG		"en"

/* Bits of struct geo_result.fields. */
#define ENRICH_GEO_AS_NUMBER	0x01
#define ENRICH_GEO_AS_ORG	0x02
#define ENRICH_GEO_COUNTRY_ISO	0x04
#define ENRICH_GEO_COUNTRY_NAME	0x08
#define ENRICH_GEO_CITY_NAME	0x10
#define ENRICH_GEO_CONTINENT	0x20
#define ENRICH_GEO_LOCATION	0x40

struct geo_result {
	unsigned	 fields;	/* ENRICH_GEO_* present */
	uint32_t	 as_number;
	double		 lat, lon;	/* ENRICH_GEO_LOCATION */
	char		 as_org[ENRICH_GEO_STR_LEN];
	char		 country_iso[ENRICH_GEO_CODE_LEN];
	char		 country_name[ENRICH_GEO_STR_LEN];
	char		 city_name[ENRICH_GEO_STR_LEN];
	char		 continent_code[ENRICH_GEO_CODE_LEN];
};

/* lookups = found + not_found + errors. */
struct enrich_geo_stats {
	uint64_t	lookups;	/* enrich_geo_lookup() calls */
	uint64_t	cache_hits;	/* answered from the address cache */
	uint64_t	record_hits;	/* records not decoded again */
	uint64_t	found;		/* answers with a field or more */
	uint64_t	not_found;	/* answers with none */
	uint64_t	errors;		/* returned -1: damaged database,
					   bad family */
	uint64_t	ipv6_in_ipv4;	/* IPv6 address, IPv4-only tree */
	uint64_t	bad_values;	/* wrong type, bad UTF-8, location
					   out of range: field left out */
	uint64_t	truncated;	/* names cut to ENRICH_GEO_STR_LEN */
};

struct enrich_geo;

/*
 * Opens the databases at asn_path and city_path (either may be NULL, not
 * both).  Returns NULL with a one-line reason in err (errlen bytes) when a
 * file cannot be opened or is not a MaxMind DB ("City database x.mmdb: not
 * a MaxMind DB file (...)"), or on allocation failure.  The caller frees
 * the result with enrich_geo_close(); the paths are not kept.
 */
struct enrich_geo *enrich_geo_open(const char *asn_path,
		    const char *city_path, char *err, size_t errlen);

/* Closes the databases and frees g; accepts NULL. */
void		 enrich_geo_close(struct enrich_geo *g);

/*
 * Looks up addr (family 4 or 6; a 16-byte buffer, IPv4 in the first 4
 * bytes) and fills out, whose fields says what was found (0: nothing).  An
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d) is looked up as IPv4; an IPv4
 * address in an IPv6 database is found in its IPv4 subtree (::a.b.c.d), as
 * libmaxminddb does.  The City database gives AS fields (traits, IPinfo)
 * only when no ASN database is open, and the ASN database geo fields only
 * when no City database is.  Returns 0, or -1 on a lookup error in either
 * database (a damaged file) or a bad family: out then holds no fields from
 * the database in error, and the error is counted.  addr and out are the
 * caller's.
 */
int		 enrich_geo_lookup(struct enrich_geo *g, int family,
		    const uint8_t *addr, struct geo_result *out);

/*
 * Adds r's fields to doc under prefix ("destination" gives
 * destination.as.number, destination.as.organization.name,
 * destination.geo.country_iso_code, .country_name, .city_name,
 * .continent_code and .location {lat, lon}); absent fields are left out.
 * A NULL or empty prefix puts "as" and "geo" at the top level.  doc is
 * the caller's; nothing is added on allocation failure.
 */
void		 enrich_geo_to_json(const struct geo_result *r, json_t *doc,
		    const char *prefix);

/* The counters, owned by g (valid until enrich_geo_close()). */
const struct enrich_geo_stats *enrich_geo_stats(const struct enrich_geo *g);

/* Adds the counters to doc as an object at the dotted path (for the
 * statistics record, "faaswatch.stats.geo"). */
void		 enrich_geo_stats_to_json(const struct enrich_geo_stats *s,
		    json_t *doc, const char *path);

/* Bytes a struct enrich_geo takes (both caches included), besides what
 * libmaxminddb allocates and the mapped files. */
size_t		 enrich_geo_memory(void);

/* One line naming the open databases for a start-up log message: "ASN
 * GeoLite2-ASN (IPv6, built 2024-05-14), City GeoLite2-City (IPv6, ...)". */
void		 enrich_geo_describe(const struct enrich_geo *g, char *buf,
		    size_t len);

#endif /* FAASWATCH_ENRICH_GEO_H */
