/*
 * capture.h - the libpcap loop: capture files in order, or a live
 * interface, each frame handed to the sensor.
 *
 * Files: pcap and pcapng (libpcap reads both), "-" for stdin, read with
 * microsecond timestamps, one after the other as one stream of packets.  A
 * file that cannot be opened is a runtime error; a file that ends in a read
 * error (a truncated record) is counted and the run goes on.  Live: promisc
 * unless disabled, immediate mode, a read timeout so timers run when the
 * link is quiet, pcap drop counters copied into the statistics.  The loop
 * ends when *stop becomes non-zero (set from a signal handler).
 */
#ifndef FAASWATCH_CAPTURE_H
#define FAASWATCH_CAPTURE_H

#include <signal.h>
#include <stddef.h>

#include "sensor.h"

struct capture_conf {
	const char	*filter;	/* BPF expression, or NULL */
	int		 snaplen;
	int		 promisc;
	int		 buffer_kib;	/* 0: libpcap's default */
};

/* Runs files[0..n) through s.  Returns 0, or -1 with a one-line reason in
 * err when a file cannot be opened or the filter does not compile. */
int	capture_files(struct sensor *s, const struct capture_conf *cc,
	    char *const *files, size_t n, volatile sig_atomic_t *stop,
	    char *err, size_t errlen);

/* Captures from iface until *stop.  Returns 0, or -1 with a reason in err
 * (no such interface, no permission, bad filter, capture failure). */
int	capture_live(struct sensor *s, const struct capture_conf *cc,
	    const char *iface, volatile sig_atomic_t *stop,
	    volatile sig_atomic_t *want_stats, char *err, size_t errlen);

#endif /* FAASWATCH_CAPTURE_H */
