/*
 * capture.h - the libpcap loop: capture files in order, or a live
 * interface, each frame handed to the sensor.
 *
 * Files: pcap and pcapng (libpcap reads both), "-" for stdin, read with
 * microsecond timestamps, one after the other as one stream of packets.  A
 * file that cannot be opened is a runtime error; a file that ends in a read
 * error (a truncated record) is counted and the run goes on.  Live: promisc
 * unless disabled, immediate mode, a read timeout so timers run when the
 * link is quiet, pcap drop counters copied into the statistics.
 *
 * Both loops look at the flags signal handlers set (struct capture_signals)
 * between batches of packets: stop ends the loop (a read interrupted by it
 * is not a file error), stats writes a statistics record now, reload calls
 * sensor_reload().
 */
#ifndef FAASWATCH_CAPTURE_H
#define FAASWATCH_CAPTURE_H

#include <signal.h>
#include <stddef.h>

#include "sensor.h"

struct capture_signals {
	volatile sig_atomic_t	stop;	/* SIGINT, SIGTERM */
	volatile sig_atomic_t	stats;	/* SIGUSR1 */
	volatile sig_atomic_t	reload;	/* SIGHUP */
	/* what a reload does; NULL: sensor_reload() */
	void			(*reload_fn)(void *arg);
	void			*reload_arg;
};

struct capture_conf {
	const char	*filter;	/* BPF expression, or NULL */
	int		 snaplen;
	int		 promisc;
	int		 buffer_kib;	/* 0: libpcap's default */
};

/* Runs files[0..n) through s.  Returns 0, or -1 with a one-line reason in
 * err when a file cannot be opened or the filter does not compile. */
int	capture_files(struct sensor *s, const struct capture_conf *cc,
	    char *const *files, size_t n, struct capture_signals *sig,
	    char *err, size_t errlen);

/* Called once the live capture is open, before the first packet (to
 * detach, write the pid file and drop privileges).  Returns 0 or -1 with a
 * reason. */
typedef int capture_ready_fn(void *arg, char *err, size_t errlen);

/* Captures from iface until sig->stop.  A capture lost later (the
 * interface went down or was removed) is reported, counted and opened
 * again with a backoff of 1 s doubling to CAPTURE_REOPEN_MAX_S, the
 * sensor's state and timers kept meanwhile.  Returns 0, or -1 with a
 * reason in err when the capture cannot be started (no such interface, no
 * permission, bad filter) or ready() failed. */
int	capture_live(struct sensor *s, const struct capture_conf *cc,
	    const char *iface, struct capture_signals *sig,
	    capture_ready_fn *ready, void *ready_arg, char *err,
	    size_t errlen);

#endif /* FAASWATCH_CAPTURE_H */
