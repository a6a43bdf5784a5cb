/* pollsleep.c - see pollsleep.h. */
#include <time.h>

#include "pollsleep.h"

int poll_sleep(int *step_ms)
{
	struct timespec ts;

	*step_ms = !*step_ms ? 1 : *step_ms >= 10 ? 20 : *step_ms * 2;
	ts.tv_sec = 0;
	ts.tv_nsec = *step_ms * 1000000L;
	nanosleep(&ts, NULL);
	return *step_ms;
}
