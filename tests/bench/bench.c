/*
 * bench.c - throughput and memory of the whole pipeline against libpcap's
 * own read loop on the same file, in one run.
 *
 * usage: bench FILE [ROUNDS]
 *
 * The floor is the smallest useful program: pcap_open_offline() and a
 * pcap_dispatch() loop whose callback only counts packets and bytes.  The
 * pipeline is faaswatch's sensor with its default configuration (decode,
 * flow table, dissectors, names, pairs, rules; alerts and statistics written
 * to /dev/null).  Both read the same file, already in the page cache, in
 * alternating rounds; the best round of each is compared.  Peak RSS is the
 * process's after the pipeline ran (the floor needs almost none); bytes per
 * flow are reported both as the table's fixed cost per slot and as the
 * resident memory the pipeline added divided by the peak number of flows.
 */
#include "config.h"

#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#include "flow.h"
#include "pair.h"
#include "sensor.h"

struct floor_count {
	uint64_t	packets, bytes;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
rss_kib(void)
{
	FILE *fp = fopen("/proc/self/statm", "r");
	long pages = 0, resident = 0;

	if (fp == NULL)
		return 0;
	if (fscanf(fp, "%ld %ld", &pages, &resident) != 2)
		resident = 0;
	fclose(fp);
	return resident * 4;
}

static void
floor_cb(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct floor_count *fc = (struct floor_count *)(void *)arg;

	(void)bytes;
	fc->packets++;
	fc->bytes += h->caplen;
}

static double
run_floor(const char *path, struct floor_count *fc)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	double t0;

	memset(fc, 0, sizeof(*fc));
	t0 = now_s();
	if ((p = pcap_open_offline(path, errbuf)) == NULL) {
		fprintf(stderr, "bench: %s\n", errbuf);
		exit(1);
	}
	while (pcap_dispatch(p, 256, floor_cb, (u_char *)fc) > 0)
		;
	pcap_close(p);
	return now_s() - t0;
}

struct pipe_result {
	double		seconds;
	uint64_t	packets, flows_peak, flows_created, alerts;
	long		rss_added_kib;
};

static void
pipe_cb(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	void **a = (void **)(void *)arg;
	struct sensor *s = a[0];
	int dlt = *(int *)a[1];

	sensor_frame(s, dlt, (uint64_t)h->ts.tv_sec * 1000000 +
	    (uint64_t)h->ts.tv_usec, bytes, h->caplen, h->len);
}

static void
run_pipeline(const char *path, struct pipe_result *r)
{
	char errbuf[PCAP_ERRBUF_SIZE], err[256];
	struct sensor_conf sc;
	struct sensor *s;
	pcap_t *p;
	void *arg[2];
	int dlt;
	long rss0;
	double t0;

	memset(r, 0, sizeof(*r));
	sensor_conf_defaults(&sc);
	output_conf_add(&sc.out, OUTPUT_ALERTS, "/dev/null");
	sc.observer_name = "bench";
	rss0 = rss_kib();
	t0 = now_s();
	if ((s = sensor_create(&sc, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	if ((p = pcap_open_offline(path, errbuf)) == NULL) {
		fprintf(stderr, "bench: %s\n", errbuf);
		exit(1);
	}
	dlt = pcap_datalink(p);
	arg[0] = s;
	arg[1] = &dlt;
	while (pcap_dispatch(p, 256, pipe_cb, (u_char *)arg) > 0)
		;
	pcap_close(p);
	r->rss_added_kib = rss_kib() - rss0;
	sensor_finish(s);
	r->seconds = now_s() - t0;
	r->packets = sensor_capture_stats(s)->packets;
	sensor_peak_flows(s, &r->flows_peak, &r->flows_created);
	r->alerts = sensor_alerts(s);
	sensor_destroy(s);
}

int
main(int argc, char **argv)
{
	struct floor_count fc;
	struct pipe_result pr, best_pr;
	struct rusage ru;
	double best_floor = 1e30, t;
	int rounds = 3, i;

	if (argc < 2) {
		fprintf(stderr, "usage: bench FILE [ROUNDS]\n");
		return 2;
	}
	if (argc > 2)
		rounds = atoi(argv[2]) > 0 ? atoi(argv[2]) : 3;
	(void)run_floor(argv[1], &fc);		/* warm the page cache */
	memset(&best_pr, 0, sizeof(best_pr));
	best_pr.seconds = 1e30;
	for (i = 0; i < rounds; i++) {
		if ((t = run_floor(argv[1], &fc)) < best_floor)
			best_floor = t;
		run_pipeline(argv[1], &pr);
		if (pr.seconds < best_pr.seconds)
			best_pr = pr;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("capture:            %s\n", argv[1]);
	printf("packets:            %llu (%.1f MB)\n",
	    (unsigned long long)fc.packets, (double)fc.bytes / 1e6);
	printf("rounds:             %d (best of each)\n", rounds);
	printf("libpcap floor:      %.3f s  %.0f packets/s\n", best_floor,
	    (double)fc.packets / best_floor);
	printf("faaswatch pipeline: %.3f s  %.0f packets/s\n", best_pr.seconds,
	    (double)best_pr.packets / best_pr.seconds);
	printf("ratio to floor:     %.2f\n", best_pr.seconds / best_floor);
	printf("flows:              %llu created, %llu at peak\n",
	    (unsigned long long)best_pr.flows_created,
	    (unsigned long long)best_pr.flows_peak);
	printf("alerts:             %llu\n", (unsigned long long)best_pr.alerts);
	printf("peak RSS:           %.1f MiB\n", (double)ru.ru_maxrss / 1024);
	printf("bytes per flow:     %zu fixed (table slot), %.0f resident "
	    "(pipeline RSS / peak flows)\n", flow_table_bytes_per_flow(),
	    best_pr.flows_peak > 0 ?
	    (double)best_pr.rss_added_kib * 1024 / best_pr.flows_peak : 0.0);
	printf("bytes per pair:     %zu (light), %zu more with a history\n",
	    pair_table_bytes_per_pair(), pair_table_bytes_per_heavy());
	return 0;
}
