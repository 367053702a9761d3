/*
 * fuzz_conf.c - the configuration file parser (faaswatch.conf(5)) under
 * hostile bytes: the input is written to a file read with -c.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	char *argv[] = { "faaswatch", "-c", path, "-t", NULL };
	struct conf c;
	FILE *fp;

	snprintf(path, sizeof(path), "/tmp/fuzz_conf.%ld", (long)getpid());
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	if (size > 0)
		(void)fwrite(data, 1, size, fp);
	fclose(fp);
	(void)conf_parse_args(&c, 4, argv, err, sizeof(err));
	conf_free(&c);
	unlink(path);
	return 0;
}
