/* pollsleep.h - the pause between two looks at something that changes
 * soon: a process ending, a monitor writing its record, a cgroup
 * emptying. 1 ms, then twice as long each time up to 20 ms: a wait ends
 * within a few ms of the event, and a long one costs no more wakeups
 * than a fixed 20 ms step. */
#ifndef BOXCAR_POLLSLEEP_H
#define BOXCAR_POLLSLEEP_H

/* *step_ms starts at 0; returns the ms slept, to add to a budget. */
int poll_sleep(int *step_ms);

#endif
