/*
 * fuzz_feed_sysmon.c - fuzz target for feed_endpoint and enrich_process,
 * seeded with Sysmon records (flat and Winlogbeat).
 *
 * The input goes in three ways: as one record or document
 * (feed_endpoint_load), framed the way this feed ships in batches (a JSON
 * array for Winlogbeat; fuzz_feed_defender.c and fuzz_feed_osquery.c
 * include this file with their own framing), and as a file read by the
 * line reader, split on its newlines, with a line cap taken from the input
 * size.  Every event is checked against what the parser promises (strings
 * terminated within their fields and valid UTF-8, lower-case host and
 * query names, a 4- or 6-family, TCP or UDP, bounded DNS lists), then
 * added to a small join table, and every connection with a client tuple
 * must then be found again by its exact 5-tuple.
 */
#include "config.h"

#include <sys/mman.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enrich_process.h"
#include "feed_endpoint.h"
#include "hash.h"

#ifndef FUZZ_FEED_OPEN
#define FUZZ_FEED_OPEN	"["	/* Winlogbeat's golden files: an array */
#define FUZZ_FEED_CLOSE	"]"
#endif

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_utf8_ok(const char *s, size_t cap)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, n, k;

	while (i < cap && p[i] != '\0') {
		if (p[i] < 0x80)
			n = 0;
		else if ((p[i] & 0xe0) == 0xc0)
			n = 1;
		else if ((p[i] & 0xf0) == 0xe0)
			n = 2;
		else if ((p[i] & 0xf8) == 0xf0)
			n = 3;
		else
			return 0;
		for (k = 1; k <= n; k++)
			if (i + k >= cap || (p[i + k] & 0xc0) != 0x80)
				return 0;
		i += n + 1;
	}
	return i < cap;
}

static void
fuzz_check_str(const char *s, size_t cap, int lower)
{
	size_t i, n = strnlen(s, cap);

	if (n >= cap || !fuzz_utf8_ok(s, cap))
		abort();
	if (lower)
		for (i = 0; i < n; i++)
			if (s[i] >= 'A' && s[i] <= 'Z')
				abort();
}

static void
fuzz_check_event(const struct endpoint_event *ev)
{
	static const uint8_t zero[12];
	unsigned i;

	if ((unsigned)ev->source == ENDPOINT_SOURCE_NONE ||
	    (unsigned)ev->source >= ENDPOINT_SOURCE_MAX ||
	    (unsigned)ev->shape == ENDPOINT_SHAPE_NONE ||
	    (unsigned)ev->shape >= ENDPOINT_SHAPE_MAX ||
	    (unsigned)ev->local > ENDPOINT_SIDE_SERVER)
		abort();
	fuzz_check_str(ev->host, sizeof(ev->host), 1);
	fuzz_check_str(ev->process, sizeof(ev->process), 0);
	fuzz_check_str(ev->executable, sizeof(ev->executable), 0);
	fuzz_check_str(ev->entity_id, sizeof(ev->entity_id), 0);
	fuzz_check_str(ev->cmdline, sizeof(ev->cmdline), 0);
	fuzz_check_str(ev->user, sizeof(ev->user), 0);
	fuzz_check_str(ev->domain, sizeof(ev->domain), 0);
	if (ev->kind == ENDPOINT_KIND_CONNECTION && ev->proto != IPPROTO_TCP &&
	    ev->proto != IPPROTO_UDP)
		abort();
	switch (ev->kind) {
	case ENDPOINT_KIND_CONNECTION:
	case ENDPOINT_KIND_HOST_ADDR:
		if (ev->family != 4 && ev->family != 6)
			abort();
		if (ev->family == 4 && (memcmp(ev->client + 4, zero, 12) != 0 ||
		    memcmp(ev->server + 4, zero, 12) != 0))
			abort();
		break;
	case ENDPOINT_KIND_DNS:
		fuzz_check_str(ev->dns_query, sizeof(ev->dns_query), 1);
		if (ev->dns_naddrs == 0 || ev->dns_naddrs > ENDPOINT_DNS_ADDRS ||
		    ev->dns_ncnames > ENDPOINT_DNS_CNAMES)
			abort();
		for (i = 0; i < ev->dns_naddrs; i++)
			if (ev->dns_addrs[i].family != 4 &&
			    ev->dns_addrs[i].family != 6)
				abort();
		for (i = 0; i < ev->dns_ncnames; i++)
			fuzz_check_str(ev->dns_cnames[i], ENDPOINT_HOST_MAX, 1);
		break;
	default:
		abort();
	}
}

struct fuzz_state {
	struct enrich_process	*ep;
	uint64_t		 latest;
	uint64_t		 retain_us;
};

/* Checks ev, adds it, and finds a connection again by its 5-tuple. */
static void
fuzz_event(struct fuzz_state *fs, const struct endpoint_event *ev)
{
	struct enrich_process_result res;
	struct conn c;

	fuzz_check_event(ev);
	if (ev->time_us > fs->latest)
		fs->latest = ev->time_us;
	if (enrich_process_add(fs->ep, ev) == -1)
		return;
	if (ev->kind != ENDPOINT_KIND_CONNECTION || !ev->client_known ||
	    ev->time_us + fs->retain_us < fs->latest)
		return;
	memset(&c, 0, sizeof(c));
	c.family = ev->family;
	c.proto = ev->proto;
	memcpy(c.src, ev->client, 16);
	memcpy(c.dst, ev->server, 16);
	c.sport = ev->cport;
	c.dport = ev->sport;
	c.start_us = c.end_us = ev->time_us;
	(void)enrich_process_lookup(fs->ep, &c, ev->time_us, &res);
	if (res.match != ENRICH_MATCH_EXACT)
		abort();
}

static void
fuzz_load(struct feed_endpoint *fe, struct fuzz_state *fs, const void *p,
    size_t n)
{
	struct endpoint_event ev;
	int queued;

	queued = feed_endpoint_load(fe, p, n);
	if (queued < 0 || queued > FEED_BATCH_MAX)
		abort();
	while (feed_endpoint_next(fe, &ev))
		fuzz_event(fs, &ev);
}

/* The input as a file, through the line reader. */
static void
fuzz_reader(struct feed_endpoint *fe, struct fuzz_state *fs,
    const uint8_t *data, size_t size)
{
	struct feed_reader *r;
	struct endpoint_event ev;
	char path[64];
	uint64_t t;
	int fd, i;

	if ((fd = memfd_create("fuzz_feed", MFD_CLOEXEC)) == -1)
		return;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = feed_reader_open(path, 0, 64 + size % 2048);
	if (r != NULL) {
		for (i = 0; !feed_reader_done(r); i++) {
			if (i > 100000)
				abort();	/* the reader must finish */
			if (i % 2 == 0 && feed_reader_peek_time(r, fe, &t))
				continue;
			if (feed_reader_next_event(r, fe, &ev))
				fuzz_event(fs, &ev);
		}
		feed_reader_close(r);
	}
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hash_key key = { 1, 2 };
	struct enrich_process_conf conf;
	struct feed_endpoint *fe;
	struct fuzz_state fs;
	char *framed;
	size_t no = strlen(FUZZ_FEED_OPEN), nc = strlen(FUZZ_FEED_CLOSE);

	enrich_process_conf_default(&conf);
	conf.conns = 64;
	conf.procs = 16;
	conf.host_addrs = 16;
	conf.dns = 16;
	conf.sticky = 16;
	memset(&fs, 0, sizeof(fs));
	fs.retain_us = conf.retain_us;
	if ((fe = feed_endpoint_create(16)) == NULL ||
	    (fs.ep = enrich_process_create(&conf, &key)) == NULL)
		abort();
	fuzz_load(fe, &fs, data, size);
	if ((framed = malloc(no + size + nc + 1)) == NULL)
		abort();
	memcpy(framed, FUZZ_FEED_OPEN, no);
	if (size > 0)
		memcpy(framed + no, data, size);
	memcpy(framed + no + size, FUZZ_FEED_CLOSE, nc);
	fuzz_load(fe, &fs, framed, no + size + nc);
	free(framed);
	fuzz_reader(fe, &fs, data, size);
	enrich_process_destroy(fs.ep);
	feed_endpoint_destroy(fe);
	return 0;
}
