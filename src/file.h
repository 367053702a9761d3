/*
 * file.h - reading a whole, bounded file: the configuration, suppression
 * lists and state snapshots are read this way, then parsed through the
 * bounded cursor.
 */
#ifndef FAASWATCH_FILE_H
#define FAASWATCH_FILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reads the regular file path, at most max bytes, into a new buffer with a
 * NUL after its len bytes (the caller frees it).  Returns 0, or -1 with
 * "path: reason" in err (*missing set when it does not exist).
 */
int	file_read(const char *path, size_t max, uint8_t **buf, size_t *len,
	    int *missing, char *err, size_t errlen);

#endif /* FAASWATCH_FILE_H */
