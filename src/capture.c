/*
 * capture.c - the libpcap loop.  See capture.h.
 */
#include "config.h"

#include <sys/time.h>
#include <poll.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "defaults.h"
#include "log.h"

struct capture_cb {
	struct sensor		*s;
	struct capture_signals	*sig;
	int			 dlt;
};

static void	capture_signals_poll(struct sensor *, struct capture_signals *);

static void
capture_frame(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture_cb *cb = (struct capture_cb *)(void *)arg;
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000 +
	    (uint64_t)h->ts.tv_usec;

	if (h->ts.tv_sec < 0)
		ts = 0;
	/* a reload or a statistics record asked for between two packets
	 * takes effect before the next one, even inside a batch */
	if (cb->sig->stats || cb->sig->reload)
		capture_signals_poll(cb->s, cb->sig);
	sensor_frame(cb->s, cb->dlt, ts, bytes, h->caplen, h->len);
}

/* What the signal handlers asked for since the last look. */
static void
capture_signals_poll(struct sensor *s, struct capture_signals *sig)
{
	if (sig->stats) {
		sig->stats = 0;
		sensor_write_stats(s, 0);
	}
	if (sig->reload) {
		sig->reload = 0;
		if (sig->reload_fn != NULL)
			sig->reload_fn(sig->reload_arg);
		else
			sensor_reload(s);
	}
}

static int
capture_filter(pcap_t *p, const char *filter, const char *what, char *err,
    size_t errlen)
{
	struct bpf_program prog;

	if (filter == NULL)
		return 0;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "bad filter '%s' for %s: %s", filter,
		    what, pcap_geterr(p));
		return -1;
	}
	if (pcap_setfilter(p, &prog) == -1) {
		snprintf(err, errlen, "cannot set filter on %s: %s", what,
		    pcap_geterr(p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

int
capture_files(struct sensor *s, const struct capture_conf *cc,
    char *const *files, size_t n, struct capture_signals *sig, char *err,
    size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct stats_capture *st = sensor_capture_stats(s);
	struct capture_cb cb;
	size_t i;

	for (i = 0; i < n && !sig->stop; i++) {
		const char *what = strcmp(files[i], "-") == 0 ? "stdin" :
		    files[i];
		pcap_t *p;
		int rc;

		errbuf[0] = '\0';
		p = pcap_open_offline_with_tstamp_precision(files[i],
		    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
		if (p == NULL) {
			snprintf(err, errlen, "cannot read %s: %s", what,
			    errbuf);
			return -1;
		}
		if (capture_filter(p, cc->filter, what, err, errlen) == -1) {
			pcap_close(p);
			return -1;
		}
		st->files++;
		cb.s = s;
		cb.sig = sig;
		cb.dlt = pcap_datalink(p);
		while (!sig->stop) {
			rc = pcap_dispatch(p, 256, capture_frame,
			    (u_char *)&cb);
			capture_signals_poll(s, sig);
			if (rc == 0 || rc == PCAP_ERROR_BREAK)
				break;
			if (rc == PCAP_ERROR && sig->stop)
				break;	/* a read interrupted by the stop */
			if (rc == PCAP_ERROR) {
				st->file_errors++;
				log_warnx("%s: %s (the rest of the file is "
				    "skipped)", what, pcap_geterr(p));
				break;
			}
		}
		pcap_close(p);
	}
	return 0;
}

static uint64_t
capture_wallclock(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

/* Opens and activates iface.  Returns the handle, or NULL with a reason. */
static pcap_t *
capture_open_live(const struct capture_conf *cc, const char *iface, char *err,
    size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int rc;

	errbuf[0] = '\0';
	if ((p = pcap_create(iface, errbuf)) == NULL) {
		snprintf(err, errlen, "cannot capture on %s: %s", iface, errbuf);
		return NULL;
	}
	pcap_set_snaplen(p, cc->snaplen);
	pcap_set_promisc(p, cc->promisc);
	pcap_set_immediate_mode(p, 1);
	pcap_set_timeout(p, CAPTURE_TIMEOUT_MS);
	if (cc->buffer_kib > 0)
		pcap_set_buffer_size(p, cc->buffer_kib * 1024);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
	rc = pcap_activate(p);
	if (rc < 0) {
		snprintf(err, errlen, "cannot capture on %s: %s", iface,
		    rc == PCAP_ERROR_NO_SUCH_DEVICE ? "no such interface" :
		    rc == PCAP_ERROR_PERM_DENIED ? "permission denied "
		    "(needs root or CAP_NET_RAW)" : rc == PCAP_ERROR_IFACE_NOT_UP ?
		    "the interface is down" : pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	if (rc > 0)
		log_warnx("%s: %s", iface, pcap_geterr(p));
	if (capture_filter(p, cc->filter, iface, err, errlen) == -1) {
		pcap_close(p);
		return NULL;
	}
	/* the loop waits in poll(2) itself: a quiet link still runs the
	 * timers, and a signal ends the wait (libpcap's own wait in
	 * immediate mode has no timeout and resumes after signals) */
	if (pcap_setnonblock(p, 1, errbuf) == -1 ||
	    pcap_get_selectable_fd(p) == -1) {
		snprintf(err, errlen, "cannot capture on %s: no pollable "
		    "descriptor (%s)", iface, errbuf);
		pcap_close(p);
		return NULL;
	}
	return p;
}

/* Waits up to CAPTURE_TIMEOUT_MS for packets (or an error, or a signal). */
static void
capture_wait(pcap_t *p)
{
	struct pollfd pfd;

	pfd.fd = pcap_get_selectable_fd(p);
	pfd.events = POLLIN;
	pfd.revents = 0;
	(void)poll(&pfd, 1, CAPTURE_TIMEOUT_MS);
}

/* The pcap counters of the handle being closed, kept in the totals. */
static void
capture_stats_update(pcap_t *p, struct stats_capture *st,
    struct pcap_stat *base, int closing)
{
	struct pcap_stat ps;

	if (pcap_stats(p, &ps) != 0)
		return;
	st->pcap_received = base->ps_recv + ps.ps_recv;
	st->pcap_dropped = base->ps_drop + ps.ps_drop;
	st->pcap_ifdropped = base->ps_ifdrop + ps.ps_ifdrop;
	if (closing) {
		base->ps_recv += ps.ps_recv;
		base->ps_drop += ps.ps_drop;
		base->ps_ifdrop += ps.ps_ifdrop;
	}
}

/*
 * Waits out the backoff after a lost capture, the sensor's timers running
 * on the wall clock, then opens iface again; doubles the backoff up to
 * CAPTURE_REOPEN_MAX_S.  Returns the new handle, or NULL when stopped.
 */
static pcap_t *
capture_reopen(struct sensor *s, const struct capture_conf *cc,
    const char *iface, struct capture_signals *sig,
    struct stats_capture *st)
{
	char err[PCAP_ERRBUF_SIZE + 128];
	unsigned backoff = 1, waited = 0, i;
	pcap_t *p;

	while (!sig->stop) {
		for (i = 0; i < backoff * 10 && !sig->stop; i++) {
			usleep(100000);
			sensor_tick(s, capture_wallclock());
			capture_signals_poll(s, sig);
		}
		if (sig->stop)
			break;
		waited += backoff;
		st->reopen_attempts++;
		if ((p = capture_open_live(cc, iface, err, sizeof(err))) !=
		    NULL) {
			st->reopens++;
			log_warnx("capture on %s restored after %u s", iface,
			    waited);
			return p;
		}
		if (backoff == 1 || backoff * 2 > CAPTURE_REOPEN_MAX_S)
			log_warnx("%s; trying again every %u s", err,
			    backoff * 2 > CAPTURE_REOPEN_MAX_S ?
			    CAPTURE_REOPEN_MAX_S : backoff * 2);
		if (backoff * 2 <= CAPTURE_REOPEN_MAX_S)
			backoff *= 2;
		else
			backoff = CAPTURE_REOPEN_MAX_S;
	}
	return NULL;
}

int
capture_live(struct sensor *s, const struct capture_conf *cc,
    const char *iface, struct capture_signals *sig, capture_ready_fn *ready,
    void *ready_arg, char *err, size_t errlen)
{
	struct stats_capture *st = sensor_capture_stats(s);
	struct pcap_stat base;
	struct capture_cb cb;
	pcap_t *p;
	int rc;

	memset(&base, 0, sizeof(base));
	if ((p = capture_open_live(cc, iface, err, errlen)) == NULL)
		return -1;
	log_info("capturing on %s (link type %s, snaplen %d%s)", iface,
	    pcap_datalink_val_to_name(pcap_datalink(p)), cc->snaplen,
	    cc->promisc ? ", promiscuous" : "");
	if (ready != NULL && ready(ready_arg, err, errlen) == -1) {
		pcap_close(p);
		return -1;
	}
	cb.s = s;
	cb.sig = sig;
	cb.dlt = pcap_datalink(p);
	while (!sig->stop) {
		capture_wait(p);
		if (sig->stop)
			break;
		rc = pcap_dispatch(p, 256, capture_frame, (u_char *)&cb);
		if (rc == PCAP_ERROR && sig->stop)
			break;
		if (rc == PCAP_ERROR) {
			/* the interface went down or away: keep the state,
			 * open it again when it is back */
			log_warnx("capture on %s lost: %s", iface,
			    pcap_geterr(p));
			st->capture_lost++;
			capture_stats_update(p, st, &base, 1);
			pcap_close(p);
			if ((p = capture_reopen(s, cc, iface, sig, st)) == NULL)
				return 0;
			if (pcap_datalink(p) != cb.dlt)
				log_warnx("%s: the link type changed to %s",
				    iface, pcap_datalink_val_to_name(
				    pcap_datalink(p)));
			cb.dlt = pcap_datalink(p);
			continue;
		}
		capture_stats_update(p, st, &base, 0);
		if (rc == 0)
			sensor_tick(s, capture_wallclock());
		capture_signals_poll(s, sig);
	}
	capture_stats_update(p, st, &base, 0);
	pcap_close(p);
	return 0;
}
