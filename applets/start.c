/* start.c - start stopped containers again, detached, with the spec they
 * were made with: the same monitor `run -d` uses (core/monitor.h). With
 * --all --filter restart-policy=, what an init system runs at boot: there
 * is no daemon to bring containers back (docs/containers.md). */
//applet:start
//summary:start stopped containers again
//config:config APPLET_START
//config:	bool "start"
//config:	default y
//config:	depends on APPLET_RUN
//config:	help
//config:	  Start an exited container again with the same spec; with
//config:	  --all --filter restart-policy=..., the containers whose
//config:	  restart policy wants them back after a reboot.
//usage:[-a [-f restart-policy=POLICY]...] [CONTAINER...]
//usage:Start each stopped CONTAINER again in the background, with the spec
//usage:it was made with (its --log-opt values too), and print it once its
//usage:command runs. A running container is left as it is. One whose image
//usage:layers, volume or device sources are missing is not started and says
//usage:so; the others still are (status 1).
//usage:
//usage:  -a, --all          every stopped container (printed by name), not CONTAINER...
//usage:  -f, --filter restart-policy=POLICY
//usage:                     with -a: only those with POLICY (always, unless-stopped
//usage:                     or on-failure; repeat for more) that it wants running
//usage:                     after a reboot or a killed monitor: always ones, even
//usage:                     if stopped by hand; unless-stopped ones not stopped by
//usage:                     hand; on-failure ones that failed and had not given
//usage:                     up. What init scripts run at boot. Several start at
//usage:                     once (one per CPU).
//usage:  --root DIR         store directory (default $BOXCAR_ROOT or the built-in one)
//usage:  --runtime-dir DIR  per-boot state (default $BOXCAR_RUNTIME_DIR or the built-in one)

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"
#include "container.h"
#include "err.h"
#include "guard.h"
#include "monitor.h"
#include "store.h"

#define START_JOBS_MAX 8

static int start_one(struct store *s, const char *root, const char *ref)
{
	char id[CONTAINER_ID_LEN + 1];
	int started, code;

	if (store_open(s, root, STORE_READ))
		return -1;
	if (container_resolve(s, ref, id)) {
		store_close(s);
		return -1;
	}
	/* the monitor's children must not inherit the store's lock */
	store_close(s);
	return monitor_start(s, id, &started, &code);
}

struct selection {
	const struct store *s;
	unsigned policies;      /* bit per enum restart_mode; 0: no filter */
	char (*ids)[CONTAINER_ID_LEN + 1];
	int n, cap;
};

/* A stopped container, and with a filter one whose policy wants it back. */
static int select_one(const char *id, void *arg)
{
	struct selection *sel = arg;
	struct container_state st;
	struct container_spec c;
	int want;

	if (container_spec_load(sel->s, id, &c)) {
		warn("%.12s: %s", id, err_msg());
		return 0;
	}
	if (container_state_load(sel->s, id, &st)) {
		warn("%s: %s", c.name, err_msg());
		container_spec_free(&c);
		return 0;
	}
	want = st.status != ST_RUNNING && st.status != ST_RESTARTING
		&& (!sel->policies || ((sel->policies >> c.restart & 1)
				       && container_should_restart(&c, &st, RESTART_AT_BOOT)));
	container_spec_free(&c);
	if (!want)
		return 0;
	if (sel->n == sel->cap) {
		void *p = realloc(sel->ids, (sel->cap = sel->cap * 2 + 16) * sizeof(*sel->ids));

		if (!p)
			return err_setn(ENOMEM, "out of memory");
		sel->ids = p;
	}
	strcpy(sel->ids[sel->n++], id);
	return 0;
}

/* One child per container, as many at once as there are CPUs: a start
 * mostly waits (mount, clone, the init's exec), and a board with many
 * services boots faster. Each child prints its own line. */
static int start_selected(struct store *s, struct selection *sel)
{
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int running = 0, failed = 0, st;

	if (jobs < 1)
		jobs = 1;
	if (jobs > START_JOBS_MAX)
		jobs = START_JOBS_MAX;
	for (int i = 0; i < sel->n || running; ) {
		pid_t pid;

		if (i < sel->n && running < jobs) {
			fflush(NULL);
			if ((pid = fork()) < 0) {
				warn("fork");
				failed = 1;
				i = sel->n;
				continue;
			}
			if (pid == 0) {
				char name[CONTAINER_NAME_MAX + 1];
				struct container_spec c;
				int started, code, rc;

				snprintf(name, sizeof(name), "%.12s", sel->ids[i]);
				if (container_spec_load(s, sel->ids[i], &c) == 0) {
					snprintf(name, sizeof(name), "%s", c.name);
					container_spec_free(&c);
				}
				rc = monitor_start(s, sel->ids[i], &started, &code);
				if (rc) {
					errno = err_errno();
					warn("%s: %s", name, err_msg());
				} else if (started)
					puts(name);
				fflush(NULL);
				_exit(rc ? EXIT_FAIL : EXIT_OK);
			}
			running++;
			i++;
			continue;
		}
		if ((pid = wait(&st)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		running--;
		failed |= !WIFEXITED(st) || WEXITSTATUS(st) != EXIT_OK;
	}
	return failed ? EXIT_FAIL : EXIT_OK;
}

static int start_all(struct store *s, const char *root, unsigned policies)
{
	struct selection sel = { .s = s, .policies = policies };
	int rc;

	if (store_open(s, root, STORE_READ))
		die_err(EXIT_FAIL);
	rc = container_each(s, select_one, &sel);
	store_close(s);
	if (rc)
		die_err(EXIT_FAIL);
	rc = start_selected(s, &sel);
	free(sel.ids);
	return rc;
}

/* restart-policy=POLICY: its bit; "no" never comes back by itself. */
static unsigned parse_filter(const char *f)
{
	const char *key = "restart-policy=";
	int mode;

	if (strncmp(f, key, strlen(key)))
		die_usage("unsupported filter '%s': only restart-policy=POLICY", f);
	mode = container_restart_mode(f + strlen(key));
	if (mode < 0 || mode == RESTART_NO)
		die_usage("invalid restart policy '%s' in the filter: always, unless-stopped "
			  "or on-failure", f + strlen(key));
	return 1u << mode;
}

int start_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, 0, 'a' },
		{ "filter", required_argument, 0, 'f' },
		{ 0 }
	};
	const char *root = NULL;
	unsigned policies = 0;
	struct store s;
	int opt, all = 0, rc = EXIT_OK;

	guard_exe(); /* the init runs this binary in the container (guard.h) */
	while ((opt = applet_getopt_store(argc, argv, "af:h", opts, &root)) != -1) {
		switch (opt) {
		case 'a': all = 1; break;
		case 'f': policies |= parse_filter(optarg); break;
		default: die_usage("unknown option");
		}
	}
	if (policies && !all)
		die_usage("--filter needs --all");
	if (all && optind < argc)
		die_usage("--all and CONTAINER are exclusive");
	if (all)
		return start_all(&s, store_root(root), policies);
	if (optind >= argc)
		die_usage("need a CONTAINER");
	for (int i = optind; i < argc; i++) {
		if (start_one(&s, store_root(root), argv[i])) {
			errno = err_errno();
			/* the name once: "no such container: NAME" has it */
			if (strstr(err_msg(), argv[i]))
				warn("%s", err_msg());
			else
				warn("%s: %s", argv[i], err_msg());
			rc = EXIT_FAIL;
			continue;
		}
		puts(argv[i]);
		fflush(stdout);
	}
	return rc;
}
