/*
 * proto_ndpi.c - nDPI 4.2 as a side classifier.  See proto_ndpi.h.
 *
 * Called the way ndpiReader calls it: one detection module, the IP header
 * of each packet, millisecond timestamps; packets are handed over while
 * nDPI has not decided or says extra dissection is possible, up to
 * NDPI_MAX_PACKETS per flow, then ndpi_detection_giveup() fixes the label.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi/ndpi_api.h>

#include "defaults.h"
#include "proto_ndpi.h"

/* Packets of one flow handed to nDPI at most. */
#define NDPI_MAX_PACKETS	16

/* flow->dissect bits: classification finished; labelled by a parser */
#define NDPI_DONE		0x80
#define NDPI_KNOWN		0x40

struct ndpi_ctx {
	struct ndpi_detection_module_struct *mod;
	uint8_t			*pool;		/* n * flow_size bytes */
	uint32_t		*free_list;
	size_t			 n, nfree;
	size_t			 flow_size;
	struct ndpi_ctx_stats	 st;
};

struct ndpi_ctx *
ndpi_ctx_create(size_t pool)
{
	struct ndpi_ctx *c;
	NDPI_PROTOCOL_BITMASK all;
	size_t i;

	if (pool == 0 || pool >= FLOW_NONE)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->flow_size = ndpi_detection_get_sizeof_ndpi_flow_struct();
	c->n = pool;
	c->pool = calloc(pool, c->flow_size);
	c->free_list = malloc(pool * sizeof(*c->free_list));
	if (c->pool == NULL || c->free_list == NULL) {
		ndpi_ctx_destroy(c);
		return NULL;
	}
	for (i = 0; i < pool; i++)
		c->free_list[i] = (uint32_t)(pool - 1 - i);
	c->nfree = pool;
	if ((c->mod = ndpi_init_detection_module(ndpi_no_prefs)) == NULL) {
		ndpi_ctx_destroy(c);
		return NULL;
	}
	NDPI_BITMASK_SET_ALL(all);
	ndpi_set_protocol_detection_bitmask2(c->mod, &all);
	ndpi_finalize_initialization(c->mod);
	return c;
}

void
ndpi_ctx_destroy(struct ndpi_ctx *c)
{
	if (c == NULL)
		return;
	if (c->mod != NULL)
		ndpi_exit_detection_module(c->mod);
	free(c->pool);
	free(c->free_list);
	free(c);
}

const struct ndpi_ctx_stats *
ndpi_ctx_stats(const struct ndpi_ctx *c)
{
	return &c->st;
}

static struct ndpi_flow_struct *
ndpi_state(struct ndpi_ctx *c, uint32_t idx)
{
	return (struct ndpi_flow_struct *)(void *)(c->pool +
	    (size_t)idx * c->flow_size);
}

static void
ndpi_release(struct ndpi_ctx *c, struct flow *f)
{
	if (f->ndpi_idx == FLOW_NONE)
		return;
	ndpi_free_flow_data(ndpi_state(c, f->ndpi_idx));
	c->free_list[c->nfree++] = f->ndpi_idx;
	f->ndpi_idx = FLOW_NONE;
	c->st.in_use--;
}

void
ndpi_ctx_finish(struct ndpi_ctx *c, struct flow *f)
{
	struct ndpi_flow_struct *nf;
	ndpi_protocol p;
	uint8_t guessed = 0;

	if (f->dissect & NDPI_DONE) {
		ndpi_release(c, f);
		return;
	}
	f->dissect |= NDPI_DONE;
	if (f->ndpi_idx == FLOW_NONE)
		return;
	nf = ndpi_state(c, f->ndpi_idx);
	if (!ndpi_is_protocol_detected(c->mod,
	    (ndpi_protocol){ f->ndpi_master, f->ndpi_app, 0 })) {
		p = ndpi_detection_giveup(c->mod, nf, 1, &guessed);
		f->ndpi_master = p.master_protocol;
		f->ndpi_app = p.app_protocol;
	}
	ndpi_release(c, f);
}

void
ndpi_ctx_packet(struct ndpi_ctx *c, struct flow *f, const struct packet *pkt)
{
	struct ndpi_flow_struct *nf;
	ndpi_protocol p;

	if (f->dissect & NDPI_DONE)
		return;
	if (f->ndpi_idx == FLOW_NONE) {
		/* nDPI decides on payload: a TCP handshake is not worth a
		 * state from the pool (or its per-flow set-up cost). */
		if (pkt->payload_len == 0 && f->ndpi_pkts == 0)
			return;
		if (f->ndpi_pkts > 0 || c->nfree == 0) {
			if (f->ndpi_pkts == 0)
				c->st.pool_empty++;
			f->dissect |= NDPI_DONE;
			return;
		}
		f->ndpi_idx = c->free_list[--c->nfree];
		memset(ndpi_state(c, f->ndpi_idx), 0, c->flow_size);
		c->st.flows++;
		c->st.in_use++;
	}
	nf = ndpi_state(c, f->ndpi_idx);
	f->ndpi_pkts++;
	c->st.packets++;
	p = ndpi_detection_process_packet(c->mod, nf, pkt->l3,
	    (unsigned short)(pkt->l3_len > 65535 ? 65535 : pkt->l3_len),
	    pkt->ts_us / 1000);
	f->ndpi_master = p.master_protocol;
	f->ndpi_app = p.app_protocol;
	if ((ndpi_is_protocol_detected(c->mod, p) &&
	    !ndpi_extra_dissection_possible(c->mod, nf)) ||
	    f->ndpi_pkts >= NDPI_MAX_PACKETS)
		ndpi_ctx_finish(c, f);
}

void
ndpi_ctx_known(struct ndpi_ctx *c, struct flow *f, enum ndpi_known k,
    const char *name, size_t len)
{
	static const uint16_t ids[] = {
		[NDPI_KNOWN_TLS] = NDPI_PROTOCOL_TLS,
		[NDPI_KNOWN_QUIC] = NDPI_PROTOCOL_QUIC,
		[NDPI_KNOWN_DNS] = NDPI_PROTOCOL_DNS,
		[NDPI_KNOWN_HTTP] = NDPI_PROTOCOL_HTTP,
		[NDPI_KNOWN_HTTP_CONNECT] = NDPI_PROTOCOL_HTTP_CONNECT,
	};
	ndpi_protocol_match_result m;
	char buf[NAME_MAX_LEN + 1];
	int app;

	if (!(f->dissect & NDPI_KNOWN))
		c->st.known++;
	f->dissect |= NDPI_DONE | NDPI_KNOWN;
	ndpi_release(c, f);
	f->ndpi_master = ids[k];
	f->ndpi_app = ids[k];
	if (name == NULL || len == 0 || len > NAME_MAX_LEN)
		return;
	memcpy(buf, name, len);		/* nDPI wants a writable string */
	buf[len] = '\0';
	memset(&m, 0, sizeof(m));
	app = ndpi_match_string_subprotocol(c->mod, buf, (u_int)len, &m);
	if (app > 0 && app != ids[k])
		f->ndpi_app = (uint16_t)app;
}

const char *
ndpi_ctx_label(struct ndpi_ctx *c, const struct flow *f, char *buf,
    size_t len)
{
	ndpi_protocol p = { f->ndpi_master, f->ndpi_app, 0 };

	if (len == 0)
		return buf;
	if (len > 255)
		len = 255;
	ndpi_protocol2name(c->mod, p, buf, (u_int)len);
	return buf;
}
