/*
 * fuzz_suppress.c - suppression lists under hostile bytes: the parser, and
 * matching with whatever it accepted.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "suppress.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t v4[16] = { 10, 20, 1, 2 };
	static const uint8_t v6[16] = { 0xfd, 0x12 };
	char err[256];
	struct suppress *s;

	s = suppress_parse((const char *)data, size, "fuzz", err, sizeof(err));
	if (s == NULL)
		return 0;
	(void)suppress_match(s, 4, v4, "a.ci.example.workers.dev", "cmd.exe",
	    "faaswatch-periodic", 1795824000ULL * 1000000);
	(void)suppress_match(s, 6, v6, "x.pages.dev", NULL, NULL, 0);
	suppress_destroy(s);
	return 0;
}
