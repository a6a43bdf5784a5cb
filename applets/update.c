/* update.c - `docker update`: new resource limits for containers. */
//applet:update
//summary:change the resource limits of containers
//config:config APPLET_UPDATE
//config:	bool "update"
//config:	default y
//config:	help
//config:	  Change the memory, CPU and pids limits of containers, running
//config:	  or not, like `docker update`.
//usage:[OPTIONS] CONTAINER...
//usage:Change the limits of each CONTAINER: at once in its cgroup if it runs,
//usage:and in its record for the next start; or its restart policy. Prints
//usage:each CONTAINER.
//usage:
//usage:  -m, --memory SIZE      memory limit (b, k, m, g; at least 6m)
//usage:      --memory-swap SIZE memory + swap (-1: unlimited swap)
//usage:      --cpus N           CPUs (1.5: one and a half)
//usage:  -c, --cpu-shares N     relative CPU weight (v1 cpu.shares; v2 cpu.weight)
//usage:      --pids-limit N     most processes (-1: unlimited)
//usage:      --restart POLICY   no, on-failure[:N], always, unless-stopped; a running
//usage:                         container follows it when its process next exits
//usage:      --root DIR         store directory (default $BOXCAR_ROOT or the built-in one)
//usage:      --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "cgroup.h"
#include "container.h"
#include "err.h"
#include "human.h"
#include "number.h"
#include "store.h"

static int64_t number(const char *what, const char *s, int64_t min, int64_t max)
{
	int64_t v;

	if (number_int(s, min, max, NUMBER_STRTOL, &v))
		die_usage("invalid %s: '%s'", what, s);
	return v;
}

struct update {
	struct cgroup_limits l;
	int restart, restart_max; /* restart -1: the policy stays */
};

static int update_one(struct store *s, const char *id, const char *ref, void *arg)
{
	const struct update *u = arg;
	const struct cgroup_limits *l = &u->l;
	int limits = l->memory || l->memory_swap || l->cpu_millis || l->cpu_shares || l->pids_limit;

	(void)ref;
	if (limits && container_update_limits(s, id, l))
		return -1;
	if (u->restart >= 0 && container_update_restart(s, id, u->restart, u->restart_max))
		return -1;
	return 0;
}

int update_main(int argc, char **argv)
{
	enum { O_SWAP = 256, O_CPUS, O_PIDS, O_ROOT, O_RUNDIR, O_RESTART };
	static const struct option opts[] = {
		{ "memory", required_argument, 0, 'm' },
		{ "memory-swap", required_argument, 0, O_SWAP },
		{ "cpus", required_argument, 0, O_CPUS },
		{ "cpu-shares", required_argument, 0, 'c' },
		{ "pids-limit", required_argument, 0, O_PIDS },
		{ "restart", required_argument, 0, O_RESTART },
		{ "root", required_argument, 0, O_ROOT },
		{ "runtime-dir", required_argument, 0, O_RUNDIR },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	struct cgroup_limits l = { 0 };
	const char *root = NULL;
	int opt, restart = -1, restart_max = 0;

	while ((opt = applet_getopt(argc, argv, "m:c:h", opts)) != -1) {
		switch (opt) {
		case 'm':
			if (human_parse_size(optarg, &l.memory) || l.memory < (6 << 20))
				die_usage("invalid memory limit '%s' (at least 6m)", optarg);
			break;
		case O_SWAP:
			if (!strcmp(optarg, "-1"))
				l.memory_swap = -1;
			else if (human_parse_size(optarg, &l.memory_swap) || !l.memory_swap)
				die_usage("invalid --memory-swap '%s'", optarg);
			break;
		case O_CPUS:
			if (cgroup_parse_cpus(optarg, &l.cpu_millis))
				die_usage("invalid --cpus '%s'", optarg);
			break;
		case 'c': l.cpu_shares = number("--cpu-shares", optarg, 2, 262144); break;
		case O_PIDS:
			l.pids_limit = number("--pids-limit", optarg, -1, INT32_MAX);
			if (l.pids_limit <= 0)
				l.pids_limit = -1; /* docker: 0 and -1 both lift it */
			break;
		case O_RESTART: {
			char mode[16];
			size_t n = strcspn(optarg, ":");

			snprintf(mode, sizeof(mode), "%.*s", (int)(n < 15 ? n : 15), optarg);
			restart = container_restart_mode(mode);
			if (restart < 0 || (optarg[n] && restart != RESTART_ON_FAILURE))
				die_usage("invalid restart policy '%s'", optarg);
			if (optarg[n])
				restart_max = number("restart count", optarg + n + 1, 0, INT32_MAX);
			break;
		}
		case O_ROOT: root = optarg; break;
		case O_RUNDIR: container_runtime_dir(optarg); break;
		case 'h': usage_exit(EXIT_OK);
		default: die_usage("unknown option");
		}
	}
	if (optind >= argc)
		die_usage("need a CONTAINER");
	if (!l.memory && !l.memory_swap && !l.cpu_millis && !l.cpu_shares && !l.pids_limit &&
	    restart < 0)
		die_usage("you must provide one or more flags when using this command");
	if (l.memory && l.memory_swap > 0 && l.memory_swap < l.memory)
		die_usage("minimum memory-swap limit should be larger than the memory limit");
	return applet_each_container(root, argc, argv, update_one,
				     &(struct update){ l, restart, restart_max });
}
