/*
 * daemon.h - running as a service: detaching, the pid file, and dropping
 * privileges once the capture and the outputs are open.
 *
 * Privileges: as root, faaswatch opens the capture, the outputs, the
 * feeds and the state file, then becomes the configured user (its groups
 * too), optionally inside a chroot, keeping only CAP_NET_RAW and
 * CAP_NET_ADMIN so that a capture lost with its interface can be opened
 * again.  Everything opened later (rotated outputs on SIGHUP, the state
 * snapshots) is opened as that user, inside the chroot.  Under systemd the
 * unit runs faaswatch as its user with those two capabilities already, and
 * -u is not needed.
 */
#ifndef FAASWATCH_DAEMON_H
#define FAASWATCH_DAEMON_H

#include <stddef.h>

/* Forks into the background, a new session without a terminal, stdio on
 * /dev/null; diagnostics go to syslog from then on.  The parent exits 0
 * once the child runs.  Returns 0 in the child, -1 with a reason. */
int	daemon_detach(char *err, size_t errlen);

/* Writes this process's id to path (created, or replaced when the process
 * it names is gone).  Returns 0, or -1 when another faaswatch holds it or
 * it cannot be written. */
int	daemon_pidfile(const char *path, char *err, size_t errlen);
void	daemon_pidfile_remove(const char *path);

/* Becomes user (and its groups), after chroot(2) to dir when dir is not
 * NULL, keeping CAP_NET_RAW and CAP_NET_ADMIN.  Only as root.  Returns 0
 * or -1 with a reason; the process must not go on after -1. */
int	daemon_privdrop(const char *user, const char *dir, char *err,
	    size_t errlen);

#endif /* FAASWATCH_DAEMON_H */
