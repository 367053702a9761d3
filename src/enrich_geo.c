/*
 * enrich_geo.c - AS and geo enrichment from MaxMind DB files.  See
 * enrich_geo.h.
 *
 * Every value is read with MMDB_aget_value() on a fixed path, which walks
 * the mapped data section and allocates nothing (MMDB_get_entry_data_list()
 * would build a list per lookup).  Each database is asked for its own
 * fields, and for the other kind's as well when the other database is not
 * open (an IPinfo Lite or GeoIP2-Enterprise file carries both).  Nested
 * keys (GeoLite2, GeoIP2, DB-IP) come first; flat keys (IPinfo) are tried
 * only when the nested ones are missing.  Values of an unexpected type or
 * invalid UTF-8 are left out and counted; a damaged file (libmaxminddb
 * reports a corrupt tree or invalid data) discards everything that database
 * gave for the address.
 *
 * Two caches, because a lookup costs microseconds (libmaxminddb walks the
 * tree, then scans maps key by key for every path): answers by address
 * (a set-associative table, the least recently used of a set replaced),
 * and per database the decoded records by their offset in the data
 * section, which many networks share (one record per AS, per city), so an
 * address not seen before skips the decoding when its AS or city was
 * decoded lately.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <maxminddb.h>

#include "ecs.h"
#include "enrich_geo.h"
#include "hash.h"

/* The cache is set-associative: an address may sit in any slot of its set,
 * and a new answer replaces the set's least recently used one. */
#define GEO_CACHE_WAYS	2

#if ENRICH_GEO_RECORD_SLOTS & (ENRICH_GEO_RECORD_SLOTS - 1)
#error "ENRICH_GEO_RECORD_SLOTS must be 0 or a power of two"
#endif

#if ENRICH_GEO_CACHE_SLOTS & (ENRICH_GEO_CACHE_SLOTS - 1) || \
    (ENRICH_GEO_CACHE_SLOTS > 0 && ENRICH_GEO_CACHE_SLOTS < GEO_CACHE_WAYS)
#error "ENRICH_GEO_CACHE_SLOTS must be 0 or a power of two >= 2"
#endif

enum geo_kind {
	GEO_DB_ASN,
	GEO_DB_CITY,
	GEO_DB_MAX
};

static const char *const geo_kind_name[GEO_DB_MAX] = { "ASN", "City" };

/* What MMDB_aget_value() said about one path. */
enum geo_get {
	GEO_GET_ERROR = -1,	/* damaged data */
	GEO_GET_ABSENT,		/* no such key */
	GEO_GET_MISMATCH,	/* a step of the path is not a map */
	GEO_GET_FOUND
};

/* A decoded record, by its offset in the data section. */
struct geo_rec {
	uint32_t	 key;		/* offset + 1; 0: empty */
	struct geo_result r;
};

struct geo_db {
	MMDB_s		 mmdb;
	int		 open;
#if ENRICH_GEO_RECORD_SLOTS > 0
	struct geo_rec	 rec[ENRICH_GEO_RECORD_SLOTS];
#endif
};

struct geo_slot {
	uint32_t	 last;		/* g->tick at its last use */
	uint8_t		 used;
	uint8_t		 family;
	uint8_t		 addr[16];
	struct geo_result r;
};

struct enrich_geo {
	struct geo_db		 db[GEO_DB_MAX];
	struct enrich_geo_stats	 st;
	struct hash_key		 key;
	uint32_t		 tick;		/* lookups, wrapping */
#if ENRICH_GEO_CACHE_SLOTS > 0
	struct geo_slot		 cache[ENRICH_GEO_CACHE_SLOTS];
#endif
};

/* The paths read, nested layouts first. */
static const char *const p_as_number[] = { "autonomous_system_number", NULL };
static const char *const p_as_org[] = { "autonomous_system_organization",
    NULL };
static const char *const p_traits_number[] = { "traits",
    "autonomous_system_number", NULL };
static const char *const p_traits_org[] = { "traits",
    "autonomous_system_organization", NULL };
static const char *const p_flat_asn[] = { "asn", NULL };
static const char *const p_flat_as_name[] = { "as_name", NULL };
static const char *const p_country_iso[] = { "country", "iso_code", NULL };
static const char *const p_country_name[] = { "country", "names",
    ENRICH_GEO_LANG, NULL };
static const char *const p_flat_country_code[] = { "country_code", NULL };
static const char *const p_flat_country_name[] = { "country_name", NULL };
static const char *const p_flat_country[] = { "country", NULL };
static const char *const p_city_name[] = { "city", "names", ENRICH_GEO_LANG,
    NULL };
static const char *const p_continent[] = { "continent", "code", NULL };
static const char *const p_flat_continent_code[] = { "continent_code", NULL };
static const char *const p_flat_continent[] = { "continent", NULL };
static const char *const p_latitude[] = { "location", "latitude", NULL };
static const char *const p_longitude[] = { "location", "longitude", NULL };

/* ---- opening ------------------------------------------------------------ */

static int
geo_db_open(struct geo_db *d, enum geo_kind kind, const char *path,
    char *err, size_t errlen)
{
	const char *what = geo_kind_name[kind];
	struct stat sb;
	int rc;

	if (stat(path, &sb) == -1) {
		snprintf(err, errlen, "%s database %s: %s", what, path,
		    strerror(errno));
		return -1;
	}
	if (S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s database %s: is a directory", what,
		    path);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s database %s: not a regular file",
		    what, path);
		return -1;
	}
	if (sb.st_size == 0) {
		snprintf(err, errlen, "%s database %s: empty file, not a "
		    "MaxMind DB", what, path);
		return -1;
	}
	errno = 0;
	rc = MMDB_open(path, MMDB_MODE_MMAP, &d->mmdb);
	if (rc == MMDB_FILE_OPEN_ERROR || rc == MMDB_IO_ERROR) {
		snprintf(err, errlen, "%s database %s: %s%s%s", what, path,
		    MMDB_strerror(rc), errno != 0 ? ": " : "",
		    errno != 0 ? strerror(errno) : "");
		return -1;
	}
	if (rc != MMDB_SUCCESS) {
		/* libmaxminddb freed what it had allocated */
		snprintf(err, errlen, "%s database %s: not a MaxMind DB file "
		    "(%s)", what, path, MMDB_strerror(rc));
		return -1;
	}
	if (d->mmdb.metadata.ip_version != 4 &&
	    d->mmdb.metadata.ip_version != 6) {
		snprintf(err, errlen, "%s database %s: not a MaxMind DB file "
		    "(IP version %u)", what, path,
		    (unsigned)d->mmdb.metadata.ip_version);
		MMDB_close(&d->mmdb);
		return -1;
	}
	d->open = 1;
	return 0;
}

struct enrich_geo *
enrich_geo_open(const char *asn_path, const char *city_path, char *err,
    size_t errlen)
{
	struct enrich_geo *g;

	if (asn_path == NULL && city_path == NULL) {
		snprintf(err, errlen, "no MaxMind database given");
		return NULL;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		snprintf(err, errlen, "geo enrichment: %s", strerror(errno));
		return NULL;
	}
	hash_key_random(&g->key);
	if ((asn_path != NULL && geo_db_open(&g->db[GEO_DB_ASN], GEO_DB_ASN,
	    asn_path, err, errlen) == -1) ||
	    (city_path != NULL && geo_db_open(&g->db[GEO_DB_CITY],
	    GEO_DB_CITY, city_path, err, errlen) == -1)) {
		enrich_geo_close(g);
		return NULL;
	}
	return g;
}

void
enrich_geo_close(struct enrich_geo *g)
{
	int i;

	if (g == NULL)
		return;
	for (i = 0; i < GEO_DB_MAX; i++)
		if (g->db[i].open)
			MMDB_close(&g->db[i].mmdb);
	free(g);
}

/* ---- reading values ----------------------------------------------------- */

static enum geo_get
geo_get(MMDB_entry_s *e, MMDB_entry_data_s *d, const char *const *path)
{
	switch (MMDB_aget_value(e, d, path)) {
	case MMDB_SUCCESS:
		return d->has_data ? GEO_GET_FOUND : GEO_GET_ABSENT;
	case MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR:
		return GEO_GET_MISMATCH;
	case MMDB_INVALID_LOOKUP_PATH_ERROR:
		return GEO_GET_ABSENT;
	default:
		return GEO_GET_ERROR;
	}
}

/*
 * Length of the longest prefix of s (n bytes) that is whole, valid UTF-8
 * characters and fits in max bytes; -1 when s holds a NUL or invalid UTF-8
 * before that point.
 */
static long
geo_utf8_prefix(const uint8_t *s, size_t n, size_t max)
{
	size_t i = 0, len, k;
	uint32_t cp, min;

	while (i < n) {
		if (s[i] == 0)
			return -1;
		if (s[i] < 0x80) {
			len = 1;
			cp = s[i];
			min = 0;
		} else if ((s[i] & 0xe0) == 0xc0) {
			len = 2;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			len = 3;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			len = 4;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return -1;
		if (len > max - i)
			break;		/* does not fit: cut before it */
		if (len > n - i)
			return -1;	/* the string ends inside it */
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		i += len;
	}
	return (long)i;
}

/* A string value into buf (cap bytes, NUL-terminated).  Returns 1, or 0
 * when there is no usable string (bad ones counted). */
static int
geo_take_str(struct enrich_geo *g, const MMDB_entry_data_s *d, char *buf,
    size_t cap)
{
	long n;

	if (d->type != MMDB_DATA_TYPE_UTF8_STRING) {
		g->st.bad_values++;
		return 0;
	}
	if (d->data_size == 0)
		return 0;
	n = geo_utf8_prefix((const uint8_t *)d->utf8_string, d->data_size,
	    cap - 1);
	if (n <= 0) {
		g->st.bad_values++;
		return 0;
	}
	if ((size_t)n < d->data_size)
		g->st.truncated++;
	memcpy(buf, d->utf8_string, (size_t)n);
	buf[n] = '\0';
	return 1;
}

/* A code ("DE", "EU"): 1 to 3 ASCII letters or digits, upper-cased. */
static int
geo_take_code(struct enrich_geo *g, const MMDB_entry_data_s *d, char *buf)
{
	uint32_t i;
	char c;

	if (d->type != MMDB_DATA_TYPE_UTF8_STRING || d->data_size == 0 ||
	    d->data_size >= ENRICH_GEO_CODE_LEN) {
		g->st.bad_values++;
		return 0;
	}
	for (i = 0; i < d->data_size; i++) {
		c = d->utf8_string[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
			g->st.bad_values++;
			return 0;
		}
		buf[i] = c;
	}
	buf[i] = '\0';
	return 1;
}

/*
 * An AS number: an unsigned integer of any width that fits 32 bits, or
 * IPinfo's string "AS64500".  AS 0 (RFC 7607: never routed; some databases
 * use it for "no AS") counts as absent.
 */
static int
geo_take_asn(struct enrich_geo *g, const MMDB_entry_data_s *d, uint32_t *out)
{
	uint64_t v;
	uint32_t i = 0;

	switch (d->type) {
	case MMDB_DATA_TYPE_UINT16:
		v = d->uint16;
		break;
	case MMDB_DATA_TYPE_UINT32:
		v = d->uint32;
		break;
	case MMDB_DATA_TYPE_UINT64:
		v = d->uint64;
		break;
	case MMDB_DATA_TYPE_INT32:
		v = d->int32 < 0 ? UINT64_MAX : (uint64_t)d->int32;
		break;
	case MMDB_DATA_TYPE_UTF8_STRING:
		if (d->data_size >= 2 &&
		    (d->utf8_string[0] == 'A' || d->utf8_string[0] == 'a') &&
		    (d->utf8_string[1] == 'S' || d->utf8_string[1] == 's'))
			i = 2;
		if (i == d->data_size || d->data_size - i > 10) {
			v = UINT64_MAX;
			break;
		}
		for (v = 0; i < d->data_size; i++) {
			if (d->utf8_string[i] < '0' || d->utf8_string[i] > '9')
				break;
			v = v * 10 + (uint64_t)(d->utf8_string[i] - '0');
		}
		if (i != d->data_size)
			v = UINT64_MAX;
		break;
	default:
		v = UINT64_MAX;
		break;
	}
	if (v > UINT32_MAX) {
		g->st.bad_values++;
		return 0;
	}
	if (v == 0)
		return 0;
	*out = (uint32_t)v;
	return 1;
}

static int
geo_take_double(const MMDB_entry_data_s *d, double *out)
{
	if (d->type == MMDB_DATA_TYPE_DOUBLE)
		*out = d->double_value;
	else if (d->type == MMDB_DATA_TYPE_FLOAT)
		*out = d->float_value;
	else
		return 0;
	return isfinite(*out);
}

enum geo_take {
	GEO_TAKE_STR,
	GEO_TAKE_CODE,
	GEO_TAKE_ASN
};

/*
 * Reads the first of the paths that is present into the field (dst: the
 * string buffer); the later paths are tried only while the earlier ones are
 * absent.  Returns -1 on damaged data, else 0.
 */
static int
geo_read(struct enrich_geo *g, MMDB_entry_s *e, struct geo_result *r,
    unsigned field, enum geo_take how, void *dst,
    const char *const *const *paths, size_t npaths)
{
	MMDB_entry_data_s d;
	size_t i;
	int ok;

	if (r->fields & field)
		return 0;
	for (i = 0; i < npaths; i++) {
		switch (geo_get(e, &d, paths[i])) {
		case GEO_GET_ERROR:
			return -1;
		case GEO_GET_ABSENT:
		case GEO_GET_MISMATCH:
			continue;
		case GEO_GET_FOUND:
			break;
		}
		if (how == GEO_TAKE_ASN)
			ok = geo_take_asn(g, &d, &r->as_number);
		else if (how == GEO_TAKE_CODE)
			ok = geo_take_code(g, &d, dst);
		else
			ok = geo_take_str(g, &d, dst, ENRICH_GEO_STR_LEN);
		if (ok)
			r->fields |= field;
		return 0;
	}
	return 0;
}

#define GEO_NPATHS(a)	(sizeof(a) / sizeof((a)[0]))

static int
geo_read_as(struct enrich_geo *g, MMDB_entry_s *e, struct geo_result *r)
{
	static const char *const *const number[] = { p_as_number,
	    p_traits_number, p_flat_asn };
	static const char *const *const org[] = { p_as_org, p_traits_org,
	    p_flat_as_name };

	if (geo_read(g, e, r, ENRICH_GEO_AS_NUMBER, GEO_TAKE_ASN, NULL,
	    number, GEO_NPATHS(number)) == -1 ||
	    geo_read(g, e, r, ENRICH_GEO_AS_ORG, GEO_TAKE_STR, r->as_org,
	    org, GEO_NPATHS(org)) == -1)
		return -1;
	return 0;
}

/* IPinfo's flat "country" and "continent" strings: a code in the older
 * country_asn layout, a name (country) in Lite.  Only when the nested and
 * the explicit flat keys gave nothing. */
static int
geo_read_flat(struct enrich_geo *g, MMDB_entry_s *e, struct geo_result *r)
{
	MMDB_entry_data_s d;
	enum geo_get rc;

	if ((r->fields & (ENRICH_GEO_COUNTRY_ISO | ENRICH_GEO_COUNTRY_NAME)) !=
	    (ENRICH_GEO_COUNTRY_ISO | ENRICH_GEO_COUNTRY_NAME)) {
		if ((rc = geo_get(e, &d, p_flat_country)) == GEO_GET_ERROR)
			return -1;
		if (rc == GEO_GET_FOUND &&
		    d.type == MMDB_DATA_TYPE_UTF8_STRING) {
			if (d.data_size == 2) {
				if (!(r->fields & ENRICH_GEO_COUNTRY_ISO) &&
				    geo_take_code(g, &d, r->country_iso))
					r->fields |= ENRICH_GEO_COUNTRY_ISO;
			} else if (!(r->fields & ENRICH_GEO_COUNTRY_NAME) &&
			    geo_take_str(g, &d, r->country_name,
			    ENRICH_GEO_STR_LEN))
				r->fields |= ENRICH_GEO_COUNTRY_NAME;
		}
	}
	if (!(r->fields & ENRICH_GEO_CONTINENT)) {
		if ((rc = geo_get(e, &d, p_flat_continent)) == GEO_GET_ERROR)
			return -1;
		if (rc == GEO_GET_FOUND &&
		    d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size == 2 &&
		    geo_take_code(g, &d, r->continent_code))
			r->fields |= ENRICH_GEO_CONTINENT;
	}
	return 0;
}

static int
geo_read_geo(struct enrich_geo *g, MMDB_entry_s *e, struct geo_result *r)
{
	static const char *const *const iso[] = { p_country_iso,
	    p_flat_country_code };
	static const char *const *const name[] = { p_country_name,
	    p_flat_country_name };
	static const char *const *const city[] = { p_city_name };
	static const char *const *const cont[] = { p_continent,
	    p_flat_continent_code };
	MMDB_entry_data_s d;
	enum geo_get rc;
	double lat, lon;

	if (geo_read(g, e, r, ENRICH_GEO_COUNTRY_ISO, GEO_TAKE_CODE,
	    r->country_iso, iso, GEO_NPATHS(iso)) == -1 ||
	    geo_read(g, e, r, ENRICH_GEO_COUNTRY_NAME, GEO_TAKE_STR,
	    r->country_name, name, GEO_NPATHS(name)) == -1 ||
	    geo_read(g, e, r, ENRICH_GEO_CITY_NAME, GEO_TAKE_STR,
	    r->city_name, city, GEO_NPATHS(city)) == -1 ||
	    geo_read(g, e, r, ENRICH_GEO_CONTINENT, GEO_TAKE_CODE,
	    r->continent_code, cont, GEO_NPATHS(cont)) == -1 ||
	    geo_read_flat(g, e, r) == -1)
		return -1;
	if (r->fields & ENRICH_GEO_LOCATION)
		return 0;
	if ((rc = geo_get(e, &d, p_latitude)) == GEO_GET_ERROR)
		return -1;
	if (rc != GEO_GET_FOUND)
		return 0;
	if (!geo_take_double(&d, &lat)) {
		g->st.bad_values++;
		return 0;
	}
	if ((rc = geo_get(e, &d, p_longitude)) == GEO_GET_ERROR)
		return -1;
	if (rc != GEO_GET_FOUND)
		return 0;
	if (!geo_take_double(&d, &lon) || lat < -90 || lat > 90 ||
	    lon < -180 || lon > 180) {
		g->st.bad_values++;
		return 0;
	}
	r->lat = lat;
	r->lon = lon;
	r->fields |= ENRICH_GEO_LOCATION;
	return 0;
}

/* ---- lookups ------------------------------------------------------------ */

/* Copies the fields of src that dst lacks. */
static void
geo_merge(struct geo_result *dst, const struct geo_result *src)
{
	unsigned f = src->fields & ~dst->fields;

	if (f & ENRICH_GEO_AS_NUMBER)
		dst->as_number = src->as_number;
	if (f & ENRICH_GEO_AS_ORG)
		memcpy(dst->as_org, src->as_org, sizeof(dst->as_org));
	if (f & ENRICH_GEO_COUNTRY_ISO)
		memcpy(dst->country_iso, src->country_iso,
		    sizeof(dst->country_iso));
	if (f & ENRICH_GEO_COUNTRY_NAME)
		memcpy(dst->country_name, src->country_name,
		    sizeof(dst->country_name));
	if (f & ENRICH_GEO_CITY_NAME)
		memcpy(dst->city_name, src->city_name, sizeof(dst->city_name));
	if (f & ENRICH_GEO_CONTINENT)
		memcpy(dst->continent_code, src->continent_code,
		    sizeof(dst->continent_code));
	if (f & ENRICH_GEO_LOCATION) {
		dst->lat = src->lat;
		dst->lon = src->lon;
	}
	dst->fields |= f;
}

/* Decodes the record at e into r (empty on entry). */
static int
geo_decode(struct enrich_geo *g, enum geo_kind kind, MMDB_entry_s *e,
    struct geo_result *r)
{
	int other;

	/* the other kind's fields too when that database is not open */
	other = !g->db[kind == GEO_DB_ASN ? GEO_DB_CITY : GEO_DB_ASN].open;
	if ((kind == GEO_DB_ASN || other) && geo_read_as(g, e, r) == -1)
		return -1;
	if ((kind == GEO_DB_CITY || other) && geo_read_geo(g, e, r) == -1)
		return -1;
	return 0;
}

/* Looks addr up in one database and adds what it has to r.  Returns -1 on
 * a lookup error, r unchanged. */
static int
geo_db_lookup(struct enrich_geo *g, enum geo_kind kind, int family,
    const uint8_t *addr, struct geo_result *r)
{
	struct geo_db *d = &g->db[kind];
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	const struct sockaddr *sa;
	MMDB_lookup_result_s res;
#if ENRICH_GEO_RECORD_SLOTS > 0
	struct geo_rec *rec;
#endif
	struct geo_result tmp;
	int err;

	if (family == 4) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, addr, 4);
		sa = (const struct sockaddr *)&sin;
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, addr, 16);
		sa = (const struct sockaddr *)&sin6;
	}
	res = MMDB_lookup_sockaddr(&d->mmdb, sa, &err);
	if (err == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) {
		g->st.ipv6_in_ipv4++;
		return 0;
	}
	if (err != MMDB_SUCCESS)
		return -1;
	if (!res.found_entry)
		return 0;
#if ENRICH_GEO_RECORD_SLOTS > 0
	/* Fibonacci hashing of the offset; a collision is only a miss */
	rec = &d->rec[((res.entry.offset * 2654435761U) >> 16) &
	    (ENRICH_GEO_RECORD_SLOTS - 1)];
	if (rec->key == res.entry.offset + 1) {
		g->st.record_hits++;
		geo_merge(r, &rec->r);
		return 0;
	}
#endif
	tmp.fields = 0;
	if (geo_decode(g, kind, &res.entry, &tmp) == -1)
		return -1;
#if ENRICH_GEO_RECORD_SLOTS > 0
	rec->key = res.entry.offset + 1;
	rec->r = tmp;
#endif
	geo_merge(r, &tmp);
	return 0;
}

#if ENRICH_GEO_CACHE_SLOTS > 0
/* The first slot of addr's set. */
static struct geo_slot *
geo_cache_set(struct enrich_geo *g, int family, const uint8_t *addr)
{
	uint8_t key[17];
	size_t alen = family == 4 ? 4 : 16;

	key[0] = (uint8_t)family;
	memcpy(key + 1, addr, alen);
	return &g->cache[(hash_bytes(&g->key, key, alen + 1) &
	    (ENRICH_GEO_CACHE_SLOTS / GEO_CACHE_WAYS - 1)) * GEO_CACHE_WAYS];
}

static int
geo_cache_find(struct enrich_geo *g, struct geo_slot *set, int family,
    const uint8_t *addr, struct geo_result *out)
{
	size_t w;

	for (w = 0; w < GEO_CACHE_WAYS; w++)
		if (set[w].used && set[w].family == family &&
		    memcmp(set[w].addr, addr, family == 4 ? 4 : 16) == 0) {
			set[w].last = g->tick;
			*out = set[w].r;
			return 1;
		}
	return 0;
}

static void
geo_cache_store(struct enrich_geo *g, struct geo_slot *set, int family,
    const uint8_t *addr, const struct geo_result *r)
{
	struct geo_slot *s = &set[0];
	size_t w;

	for (w = 0; w < GEO_CACHE_WAYS; w++) {
		if (!set[w].used) {
			s = &set[w];
			break;
		}
		/* unsigned difference: right across the tick's wrap */
		if (g->tick - set[w].last > g->tick - s->last)
			s = &set[w];
	}
	s->used = 1;
	s->last = g->tick;
	s->family = (uint8_t)family;
	memcpy(s->addr, addr, family == 4 ? 4 : 16);
	s->r = *r;
}
#endif

int
enrich_geo_lookup(struct enrich_geo *g, int family, const uint8_t *addr,
    struct geo_result *out)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
#if ENRICH_GEO_CACHE_SLOTS > 0
	struct geo_slot *set;
#endif
	int i, rc = 0;

	out->fields = 0;
	out->as_org[0] = out->country_iso[0] = out->country_name[0] = '\0';
	out->city_name[0] = out->continent_code[0] = '\0';
	g->st.lookups++;
	g->tick++;
	if (family != 4 && family != 6) {
		g->st.errors++;
		return -1;
	}
	if (family == 6 && memcmp(addr, v4mapped, sizeof(v4mapped)) == 0) {
		family = 4;
		addr += 12;
	}
#if ENRICH_GEO_CACHE_SLOTS > 0
	set = geo_cache_set(g, family, addr);
	if (geo_cache_find(g, set, family, addr, out)) {
		g->st.cache_hits++;
		if (out->fields != 0)
			g->st.found++;
		else
			g->st.not_found++;
		return 0;
	}
#endif
	for (i = 0; i < GEO_DB_MAX; i++)
		if (g->db[i].open &&
		    geo_db_lookup(g, (enum geo_kind)i, family, addr, out) == -1)
			rc = -1;
	if (rc == -1) {
		g->st.errors++;
		return -1;
	}
	if (out->fields != 0)
		g->st.found++;
	else
		g->st.not_found++;
#if ENRICH_GEO_CACHE_SLOTS > 0
	geo_cache_store(g, set, family, addr, out);
#endif
	return 0;
}

/* ---- output ------------------------------------------------------------- */

/* prefix + "." + name into buf; NULL when it does not fit. */
static const char *
geo_path(char *buf, size_t len, const char *prefix, const char *name)
{
	int n;

	if (prefix == NULL || prefix[0] == '\0')
		n = snprintf(buf, len, "%s", name);
	else
		n = snprintf(buf, len, "%s.%s", prefix, name);
	return n < 0 || (size_t)n >= len ? NULL : buf;
}

void
enrich_geo_to_json(const struct geo_result *r, json_t *doc,
    const char *prefix)
{
	static const struct {
		unsigned	 field;
		const char	*name;
		size_t		 off;
	} strs[] = {
		{ ENRICH_GEO_AS_ORG, "as.organization.name",
		    offsetof(struct geo_result, as_org) },
		{ ENRICH_GEO_COUNTRY_ISO, "geo.country_iso_code",
		    offsetof(struct geo_result, country_iso) },
		{ ENRICH_GEO_COUNTRY_NAME, "geo.country_name",
		    offsetof(struct geo_result, country_name) },
		{ ENRICH_GEO_CITY_NAME, "geo.city_name",
		    offsetof(struct geo_result, city_name) },
		{ ENRICH_GEO_CONTINENT, "geo.continent_code",
		    offsetof(struct geo_result, continent_code) },
	};
	char buf[256];
	const char *p;
	json_t *loc;
	size_t i;

	if ((r->fields & ENRICH_GEO_AS_NUMBER) &&
	    (p = geo_path(buf, sizeof(buf), prefix, "as.number")) != NULL)
		ecs_set_int(doc, p, r->as_number);
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if ((r->fields & strs[i].field) && (p = geo_path(buf,
		    sizeof(buf), prefix, strs[i].name)) != NULL)
			ecs_set_str(doc, p, (const char *)r + strs[i].off);
	if ((r->fields & ENRICH_GEO_LOCATION) &&
	    (p = geo_path(buf, sizeof(buf), prefix, "geo.location")) != NULL) {
		loc = json_object();
		if (loc != NULL &&
		    (json_object_set_new(loc, "lat", json_real(r->lat)) ||
		    json_object_set_new(loc, "lon", json_real(r->lon)))) {
			json_decref(loc);
			loc = NULL;
		}
		ecs_set(doc, p, loc);
	}
}

const struct enrich_geo_stats *
enrich_geo_stats(const struct enrich_geo *g)
{
	return &g->st;
}

void
enrich_geo_stats_to_json(const struct enrich_geo_stats *s, json_t *doc,
    const char *path)
{
	const struct {
		const char	*name;
		uint64_t	 v;
	} c[] = {
		{ "lookups", s->lookups },
		{ "cache_hits", s->cache_hits },
		{ "record_hits", s->record_hits },
		{ "found", s->found },
		{ "not_found", s->not_found },
		{ "errors", s->errors },
		{ "ipv6_in_ipv4_db", s->ipv6_in_ipv4 },
		{ "bad_values", s->bad_values },
		{ "truncated", s->truncated },
	};
	char buf[256];
	const char *p;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if ((p = geo_path(buf, sizeof(buf), path, c[i].name)) != NULL)
			ecs_set_int(doc, p, (long long)c[i].v);
}

size_t
enrich_geo_memory(void)
{
	return sizeof(struct enrich_geo);
}

void
enrich_geo_describe(const struct enrich_geo *g, char *buf, size_t len)
{
	const MMDB_metadata_s *m;
	struct tm tm;
	time_t t;
	size_t n = 0;
	int i, k;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < GEO_DB_MAX; i++) {
		if (!g->db[i].open || n >= len)
			continue;
		m = &g->db[i].mmdb.metadata;
		t = (time_t)m->build_epoch;
		if (gmtime_r(&t, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		k = snprintf(buf + n, len - n, "%s%s %s (IPv%u, built "
		    "%04d-%02d-%02d)", n > 0 ? ", " : "", geo_kind_name[i],
		    m->database_type != NULL ? m->database_type : "?",
		    (unsigned)m->ip_version, tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday);
		if (k < 0)
			return;
		n += (size_t)k;
	}
}
