/*
 * ecs.c - shared pieces of the ECS documents.  See ecs.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "catalogue.h"
#include "ecs.h"
#include "hash.h"

char *
ecs_time(uint64_t us, char *buf)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, ECS_TIME_LEN, "1970-01-01T00:00:00.000000Z");
		return buf;
	}
	snprintf(buf, ECS_TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (unsigned)(us % 1000000));
	return buf;
}

char *
ecs_ip(int family, const uint8_t *addr, char *buf)
{
	if (inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf,
	    ECS_IP_LEN) == NULL)
		buf[0] = '\0';
	return buf;
}

int
ecs_set(json_t *root, const char *path, json_t *val)
{
	char key[128];
	const char *dot;
	json_t *o = root, *next;
	size_t n;

	if (val == NULL)
		return -1;
	while ((dot = strchr(path, '.')) != NULL) {
		n = (size_t)(dot - path);
		if (n >= sizeof(key)) {
			json_decref(val);
			return -1;
		}
		memcpy(key, path, n);
		key[n] = '\0';
		next = json_object_get(o, key);
		if (next == NULL || !json_is_object(next)) {
			next = json_object();
			if (next == NULL || json_object_set_new(o, key, next)) {
				json_decref(val);
				return -1;
			}
		}
		o = next;
		path = dot + 1;
	}
	return json_object_set_new(o, path, val);
}

void
ecs_set_str(json_t *root, const char *path, const char *s)
{
	if (s != NULL && s[0] != '\0')
		ecs_set(root, path, json_string(s));
}

void
ecs_set_process(json_t *root, const struct ecs_process *p)
{
	ecs_set_str(root, "process.name", p->name);
	ecs_set_str(root, "process.executable", p->executable);
	if (p->pid != 0)
		ecs_set_int(root, "process.pid", p->pid);
	ecs_set_str(root, "process.entity_id", p->entity_id);
	ecs_set_str(root, "process.command_line", p->command_line);
	ecs_set_str(root, "user.name", p->user);
	ecs_set_str(root, "user.domain", p->user_domain);
	ecs_set_str(root, "host.name", p->host);
}

void
ecs_set_int(json_t *root, const char *path, long long v)
{
	ecs_set(root, path, json_integer(v));
}

void
ecs_set_time(json_t *root, const char *path, uint64_t us)
{
	char buf[ECS_TIME_LEN];

	ecs_set(root, path, json_string(ecs_time(us, buf)));
}

void
ecs_set_ip(json_t *root, const char *path, int family, const uint8_t *addr)
{
	char buf[ECS_IP_LEN];

	ecs_set_str(root, path, ecs_ip(family, addr, buf));
}

void
ecs_set_observer(json_t *root, const struct ecs_observer *obs)
{
	ecs_set_str(root, "observer.type", "sensor");
	ecs_set_str(root, "observer.product", "faaswatch");
	ecs_set_str(root, "observer.version", PACKAGE_VERSION);
	if (obs != NULL) {
		ecs_set_str(root, "observer.name", obs->name);
		ecs_set_str(root, "observer.ingress.interface.name",
		    obs->interface);
	}
}

void
ecs_set_event_id(json_t *root, const void *seed, size_t len)
{
	/* a fixed key: ids must be the same on every run over the same input */
	static const struct hash_key idkey = { 0x6661617377617463ULL,
	    0x682d6576656e7431ULL };
	char buf[17];

	snprintf(buf, sizeof(buf), "%016llx",
	    (unsigned long long)hash_bytes(&idkey, seed, len));
	ecs_set_str(root, "event.id", buf);
}

void
ecs_set_serverless(json_t *root, const char *path,
    const struct catalogue_entry *e)
{
	json_t *o;

	if (e == NULL || (o = json_object()) == NULL)
		return;
	ecs_set_str(o, "provider", e->provider);
	ecs_set_str(o, "platform", e->platform);
	ecs_set_str(o, "class", e->class_name);
	ecs_set_str(o, "pattern", e->pattern);
	ecs_set(root, path, o);
}
