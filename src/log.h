/*
 * log.h - diagnostics: start-up errors, warnings and information for the
 * operator.  Foreground runs write to stderr; a daemon writes to syslog(3).
 * Data-plane anomalies are never logged per packet: they are counters in the
 * statistics record.  Alerts never go through here.
 */
#ifndef FAASWATCH_LOG_H
#define FAASWATCH_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_LEVEL_ERR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Sets the program name prefix, the verbosity and whether to use syslog. */
void	log_init(const char *progname, int verbosity, int use_syslog);

/* log_warn appends strerror(errno); log_warnx does not. */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Logs and exits with status 1: start-up failures and broken invariants. */
/* Formats a one-line reason for a caller into err (errlen bytes); nothing
 * when err is NULL or errlen is 0. */
void	log_reason(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif /* FAASWATCH_LOG_H */
