/*
 * capture.c - the libpcap loop.  See capture.h.
 */
#include "config.h"

#include <sys/time.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "defaults.h"
#include "log.h"

struct capture_cb {
	struct sensor	*s;
	int		 dlt;
};

static void
capture_frame(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture_cb *cb = (struct capture_cb *)(void *)arg;
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000 +
	    (uint64_t)h->ts.tv_usec;

	if (h->ts.tv_sec < 0)
		ts = 0;
	sensor_frame(cb->s, cb->dlt, ts, bytes, h->caplen, h->len);
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
    char *const *files, size_t n, volatile sig_atomic_t *stop, char *err,
    size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct stats_capture *st = sensor_capture_stats(s);
	struct capture_cb cb;
	size_t i;

	for (i = 0; i < n && !*stop; i++) {
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
		cb.dlt = pcap_datalink(p);
		while (!*stop) {
			rc = pcap_dispatch(p, 256, capture_frame,
			    (u_char *)&cb);
			if (rc == 0 || rc == PCAP_ERROR_BREAK)
				break;
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

int
capture_live(struct sensor *s, const struct capture_conf *cc,
    const char *iface, volatile sig_atomic_t *stop,
    volatile sig_atomic_t *want_stats, char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct stats_capture *st = sensor_capture_stats(s);
	struct pcap_stat ps;
	struct capture_cb cb;
	pcap_t *p;
	int rc;

	errbuf[0] = '\0';
	if ((p = pcap_create(iface, errbuf)) == NULL) {
		snprintf(err, errlen, "cannot capture on %s: %s", iface, errbuf);
		return -1;
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
		    "(needs root or CAP_NET_RAW)" : pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	if (rc > 0)
		log_warnx("%s: %s", iface, pcap_geterr(p));
	if (capture_filter(p, cc->filter, iface, err, errlen) == -1) {
		pcap_close(p);
		return -1;
	}
	log_info("capturing on %s (link type %s, snaplen %d%s)", iface,
	    pcap_datalink_val_to_name(pcap_datalink(p)), cc->snaplen,
	    cc->promisc ? ", promiscuous" : "");
	cb.s = s;
	cb.dlt = pcap_datalink(p);
	while (!*stop) {
		rc = pcap_dispatch(p, 256, capture_frame, (u_char *)&cb);
		if (rc == PCAP_ERROR) {
			snprintf(err, errlen, "capture on %s failed: %s", iface,
			    pcap_geterr(p));
			pcap_close(p);
			return -1;
		}
		if (pcap_stats(p, &ps) == 0) {
			st->pcap_received = ps.ps_recv;
			st->pcap_dropped = ps.ps_drop;
			st->pcap_ifdropped = ps.ps_ifdrop;
		}
		if (rc == 0)
			sensor_tick(s, capture_wallclock());
		if (want_stats != NULL && *want_stats) {
			*want_stats = 0;
			sensor_write_stats(s, 0);
		}
	}
	pcap_close(p);
	return 0;
}
