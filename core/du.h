/* du.h - disk use of a tree: allocated blocks, as `du -s` counts them,
 * without following links or crossing mount points; 0 if path is
 * missing. Not thread-safe (one walk at a time). */
#ifndef BOXCAR_DU_H
#define BOXCAR_DU_H

#include <stdint.h>

int64_t disk_usage(const char *path);

#endif
