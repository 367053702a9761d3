/*
 * ecs.h - shared pieces of the Elastic Common Schema documents faaswatch
 * writes: RFC 3339 timestamps with microseconds, addresses, nested field
 * paths and the observer block.  Documents are jansson objects; absent
 * values are omitted, never written as "".
 */
#ifndef FAASWATCH_ECS_H
#define FAASWATCH_ECS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct ecs_observer {
	const char	*name;		/* host name of the sensor */
	const char	*interface;	/* live capture interface, or NULL */
};

#define ECS_TIME_LEN	48
#define ECS_IP_LEN	46

/* "2024-05-01T12:00:00.000123Z" into buf (ECS_TIME_LEN bytes); returns buf. */
char	*ecs_time(uint64_t us, char *buf);

/* Address in text form into buf (ECS_IP_LEN bytes); returns buf. */
char	*ecs_ip(int family, const uint8_t *addr, char *buf);

/*
 * Sets the dotted path ("source.ip") in root to val, creating the objects
 * on the way; steals the reference to val.  A NULL val (a failed
 * json_string() of invalid UTF-8, say) is ignored.  Returns 0 or -1.
 */
int	 ecs_set(json_t *root, const char *path, json_t *val);

/* Convenience setters; a NULL or empty string is omitted. */
void	 ecs_set_str(json_t *root, const char *path, const char *s);
void	 ecs_set_int(json_t *root, const char *path, long long v);
void	 ecs_set_time(json_t *root, const char *path, uint64_t us);
void	 ecs_set_ip(json_t *root, const char *path, int family,
	    const uint8_t *addr);

/* observer.* and the document's event.kind. */
void	 ecs_set_observer(json_t *root, const struct ecs_observer *obs);

/* The initiating process as ECS has it; NULL or "" strings and a zero pid
 * are left out. */
struct ecs_process {
	const char	*name, *executable, *entity_id, *command_line;
	const char	*user, *user_domain, *host;
	uint32_t	 pid;
};

/* process.*, user.name, user.domain and host.name. */
void	 ecs_set_process(json_t *root, const struct ecs_process *p);

struct catalogue_entry;

/* The catalogue entry a name matched (provider, platform, class, pattern)
 * as an object at path; nothing if e is NULL. */
void	 ecs_set_serverless(json_t *root, const char *path,
	    const struct catalogue_entry *e);

/* Deterministic 16-hex-digit event id from the given bytes. */
void	 ecs_set_event_id(json_t *root, const void *seed, size_t len);

#endif /* FAASWATCH_ECS_H */
