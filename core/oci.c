/* oci.c - the OCI runtime lifecycle (see oci.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_oci.h"
#include "container.h"
#include "err.h"
#include "fdpass.h"
#include "fsutil.h"
#include "launch.h"
#include "oci.h"
#include "release.h"
#include "store.h"

static void msleep(int ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

int oci_id_valid(const char *id)
{
	size_t n = strlen(id);

	if (!n || n > OCI_ID_MAX || !strcmp(id, ".") || !strcmp(id, ".."))
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
		      || (p != id && strchr("_+.-", *p))))
			return 0;
	return 1;
}

int oci_dir(const char *root, const char *id, char *buf)
{
	if (!oci_id_valid(id))
		return err_setn(EINVAL, "invalid container id %s", id);
	if (snprintf(buf, PATH_MAX, "%s/%s", root, id) >= PATH_MAX)
		return err_setn(ENAMETOOLONG, "%s/%s", root, id);
	return 0;
}

int oci_lock(const char *root, const char *id)
{
	char dir[PATH_MAX];
	int fd;

	if (oci_dir(root, id, dir))
		return -1;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return err_setn(ENOENT, "container %s does not exist", id);
		return err_set("%s", dir);
	}
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(fd);
			return err_set("cannot lock %s", dir);
		}
	return fd;
}

const char *oci_status_name(enum oci_status s)
{
	static const char *const n[] = { "creating", "created", "running", "paused", "stopped" };

	return n[s];
}

static int file_in(const char *root, const char *id, const char *name, char *buf)
{
	char dir[PATH_MAX];

	if (oci_dir(root, id, dir) || path_join(buf, dir, name))
		return err_setn(ENAMETOOLONG, "%s", name);
	return 0;
}

int oci_saved_spec(const char *root, const char *id, struct oci_spec *spec)
{
	char path[PATH_MAX], *text;
	size_t n;
	int rc;

	if (file_in(root, id, "config.json", path) || read_file(path, JSON_MAX_INPUT, &text, &n))
		return -1;
	rc = oci_spec_parse(spec, text, n);
	free(text);
	return rc;
}

int oci_state_load(const char *root, const char *id, struct oci_state *st)
{
	char path[PATH_MAX], *text;
	struct json_doc d;
	struct cgroup cg;
	const char *s;
	int64_t v;
	size_t n;

	memset(st, 0, sizeof(*st));
	snprintf(st->id, sizeof(st->id), "%s", id);
	if (file_in(root, id, "state.json", path))
		return -1;
	if (read_file(path, 1 << 16, &text, &n)) {
		if (err_errno() != ENOENT)
			return -1;
		st->status = OCI_CREATING;
		return 0;
	}
	if (json_parse(&d, text, n)) {
		free(text);
		return err_prefix(path);
	}
	free(text);
	if ((s = json_get_str(&d, 0, "bundle")))
		snprintf(st->bundle, sizeof(st->bundle), "%s", s);
	if ((s = json_get_str(&d, 0, "rootfs")))
		snprintf(st->rootfs, sizeof(st->rootfs), "%s", s);
	if ((s = json_get_str(&d, 0, "cgroup")))
		snprintf(st->cgroup, sizeof(st->cgroup), "%s", s);
	if (!json_int(&d, json_get(&d, 0, "pid"), &v))
		st->pid = (pid_t)v;
	if (!json_int(&d, json_get(&d, 0, "pid_start"), &v))
		st->pid_start = (uint64_t)v;
	if (!json_int(&d, json_get(&d, 0, "created"), &v))
		st->created = v;
	if (!json_int(&d, json_get(&d, 0, "no_pivot"), &v))
		st->no_pivot = (int)v;
	if (!json_int(&d, json_get(&d, 0, "root_mnt"), &v))
		st->root_mnt = (int)v;
	json_free(&d);
	if (st->pid <= 0 || !proc_alive(st->pid, st->pid_start))
		st->status = OCI_STOPPED;
	else if (file_in(root, id, "exec.fifo", path) == 0 && access(path, F_OK) == 0)
		st->status = OCI_CREATED;
	else if (st->cgroup[0] && cgroup_open(&cg, st->cgroup) == 0 && cgroup_frozen(&cg) == 1)
		st->status = OCI_PAUSED;
	else
		st->status = OCI_RUNNING;
	return 0;
}

void oci_state_json(struct json_w *w, const struct oci_state *st, const struct oci_spec *spec)
{
	char t[40];

	jw_obj(w);
	jw_kstr(w, "ociVersion", OCI_VERSION);
	jw_kstr(w, "id", st->id);
	jw_kstr(w, "status", oci_status_name(st->status));
	jw_kint(w, "pid", st->status == OCI_STOPPED ? 0 : st->pid);
	jw_kstr(w, "bundle", st->bundle);
	jw_kstr(w, "rootfs", st->rootfs);
	container_time(st->created, t, sizeof(t));
	jw_kstr(w, "created", t);
	jw_kstr(w, "owner", "");
	if (spec && spec->annotations) {
		const struct json_doc *d = &spec->doc;

		jw_key(w, "annotations");
		jw_obj(w);
		for (uint32_t k = json_first(d, spec->annotations); k; k = json_next(d, k))
			jw_kstr(w, json_str(d, k), json_str(d, k + 1));
		jw_end(w);
	}
	jw_end(w);
}

static int state_text(const struct oci_state *st, const struct oci_spec *spec, struct json_w *w)
{
	jw_init(w, 0);
	oci_state_json(w, st, spec);
	return jw_finish(w);
}

/* ---- hooks --------------------------------------------------------------- */

static int run_hook(const struct oci_hook *h, const char *state)
{
	/* no args: the path alone, as argv[0] */
	char *const path_only[] = { (char *)h->path, NULL }, *const empty[] = { NULL };
	char *const *argv = h->args && h->args[0] ? h->args : path_only;
	int in[2], st, waited = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return err_set("pipe");
	if ((pid = fork()) < 0) {
		close(in[0]);
		close(in[1]);
		return err_set("fork");
	}
	if (pid == 0) {
		dup2(in[0], 0);
		execve(h->path, argv, h->env ? h->env : empty);
		_exit(127);
	}
	close(in[0]);
	signal(SIGPIPE, SIG_IGN);
	(void)!write(in[1], state, strlen(state));
	close(in[1]);
	for (;;) {
		pid_t r = waitpid(pid, &st, h->timeout ? WNOHANG : 0);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return err_set("hook %s", h->path);
		if (r == 0) {
			if (waited >= h->timeout * 10) {
				kill(pid, SIGKILL);
				waitpid(pid, &st, 0);
				return err_setn(ETIMEDOUT, "hook %s timed out", h->path);
			}
			msleep(100);
			waited++;
		}
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return err_setn(0, "hook %s failed (%s %d)", h->path,
				WIFEXITED(st) ? "exit status" : "signal",
				WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	return 0;
}

int oci_run_hooks(const struct oci_spec *s, enum oci_hook_kind kind, const char *state)
{
	for (int i = 0; i < s->nhooks[kind]; i++)
		if (run_hook(&s->hooks[kind][i], state))
			return -1;
	return 0;
}

/* ---- create -------------------------------------------------------------- */

/* Join the namespaces the spec names by path, before the clone: the
 * init is born in them (a pid namespace is entered by our children). */
static int join_namespaces(const struct oci_spec *s)
{
	for (int i = 0; i < s->nns; i++) {
		int fd;

		if (!s->ns[i].path)
			continue;
		if (s->ns[i].flag == CLONE_NEWUSER)
			return err_setn(EOPNOTSUPP, "joining a user namespace is not supported");
		if (s->ns[i].flag == CLONE_NEWNS)
			continue; /* the init joins it (launch_oci.c) */
		if ((fd = open(s->ns[i].path, O_RDONLY | O_CLOEXEC)) < 0)
			return err_set("namespace %s", s->ns[i].path);
		if (setns(fd, s->ns[i].flag) < 0) {
			close(fd);
			return err_set("cannot join namespace %s", s->ns[i].path);
		}
		close(fd);
	}
	return 0;
}

static int send_console(const char *path, int master)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s, rc;

	if (strlen(path) >= sizeof(a.sun_path))
		return err_setn(ENAMETOOLONG, "console socket %s", path);
	strcpy(a.sun_path, path);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return err_set("socket");
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(s);
		return err_set("cannot connect to console socket %s", path);
	}
	rc = fd_send(s, &master, 1);
	close(s);
	return rc ? err_set("cannot send the terminal to %s", path) : 0;
}

static int write_state(const char *root, const struct oci_state *st)
{
	char path[PATH_MAX];
	struct json_w w;
	int rc;

	jw_init(&w, 0);
	jw_obj(&w);
	jw_kstr(&w, "id", st->id);
	jw_kstr(&w, "bundle", st->bundle);
	jw_kstr(&w, "rootfs", st->rootfs);
	jw_kstr(&w, "cgroup", st->cgroup);
	jw_kint(&w, "pid", st->pid);
	jw_kint(&w, "pid_start", (int64_t)st->pid_start);
	jw_kint(&w, "created", st->created);
	jw_kint(&w, "no_pivot", st->no_pivot);
	jw_kint(&w, "root_mnt", st->root_mnt);
	jw_end(&w);
	rc = jw_finish(&w);
	if (!rc && !(rc = file_in(root, st->id, "state.json", path)))
		rc = write_file_atomic(path, w.buf, w.len, 0600);
	jw_free(&w);
	return rc;
}

static int write_pid_file(const char *path, pid_t pid)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	return write_file_atomic(path, buf, (size_t)n, 0644) ? err_prefix(path) : 0;
}

/* Wait until pid is gone (or a zombie): 5 s at most. */
static void wait_gone(pid_t pid, uint64_t start)
{
	for (int i = 0; i < 500 && proc_alive(pid, start); i++)
		msleep(10);
}

static int write_map(pid_t pid, const char *file, const struct oci_idmap *m, int n)
{
	char path[64], buf[8 * 40];
	size_t len = 0;
	int fd;
	ssize_t w;

	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].container,
					m[i].host, m[i].size);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return err_set("%s", path);
	w = write(fd, buf, len);
	close(fd);
	return w == (ssize_t)len ? 0 : err_set("cannot write %s", path);
}

static int write_id_maps(pid_t pid, const struct oci_spec *s)
{
	return write_map(pid, "uid_map", s->uidmap, s->nuidmap)
	       || write_map(pid, "gid_map", s->gidmap, s->ngidmap) ? -1 : 0;
}

pid_t oci_create(const struct oci_create *o)
{
	struct oci_state st = { 0 };
	struct oci_spec s;
	struct cgroup cg;
	struct launch l = { 0 };
	char dir[PATH_MAX], path[PATH_MAX], *text = NULL;
	size_t n;
	int lock = -1, fifo = -1, master = -1, code, have_cg = 0, made = 0, host_mnt = 0;
	pid_t pid = -1;
	struct json_w w = { 0 };

	if (oci_dir(o->root, o->id, dir))
		return -1;
	if (mkdir_p(o->root, 0711))
		return -1;
	if (mkdir(dir, 0700) < 0)
		return errno == EEXIST ? err_setn(EEXIST, "container with id exists: %s", o->id)
			: err_set("cannot create %s", dir);
	made = 1;
	if ((lock = oci_lock(o->root, o->id)) < 0)
		goto fail;
	snprintf(st.id, sizeof(st.id), "%s", o->id);
	if (!realpath(o->bundle, st.bundle)) {
		err_set("bundle %s", o->bundle);
		goto fail;
	}
	if (path_join(path, st.bundle, "config.json") || read_file(path, JSON_MAX_INPUT, &text, &n))
		goto fail;
	if (oci_spec_parse(&s, text, n))
		goto fail_text;
	if (path_join(path, dir, "config.json") || write_file_atomic(path, text, n, 0600))
		goto fail_spec;
	/* the root: relative to the bundle */
	if (s.root[0] == '/')
		snprintf(path, sizeof(path), "%s", s.root);
	else if (path_join(path, st.bundle, s.root))
		goto fail_spec;
	if (!realpath(path, st.rootfs)) {
		err_set("root %s", path);
		goto fail_spec;
	}
	if (oci_cgroup_name(s.cgroups_path, o->id, o->systemd_cgroup, st.cgroup, sizeof(st.cgroup))
	    || oci_cgroup_create(&s, st.cgroup, &cg, 0))
		goto fail_spec;
	have_cg = 1;
	if (path_join(path, dir, "exec.fifo") || mkfifo(path, 0600) < 0
	    || (fifo = open(path, O_RDWR | O_CLOEXEC)) < 0) {
		err_set("cannot make %s", path);
		goto fail_spec;
	}
	if (join_namespaces(&s))
		goto fail_spec;
	l.oci_mntns = -1;
	for (int i = 0; i < s.nns; i++)
		if (s.ns[i].flag == CLONE_NEWNS && s.ns[i].path
		    && (l.oci_mntns = open(s.ns[i].path, O_RDONLY | O_CLOEXEC)) < 0) {
			err_set("namespace %s", s.ns[i].path);
			goto fail_spec;
		}
	/* without a mount namespace the init binds rootfs on itself in the
	 * host's: the new mount on top is the container's */
	if (!s.mount_ns)
		host_mnt = release_root_mount(st.rootfs, 0, 0);
	l.oci = &s;
	l.rootfs = st.rootfs;
	l.stdio[0] = 0, l.stdio[1] = 1, l.stdio[2] = 2;
	l.pty_master = &master;
	l.cg = &cg;
	l.oci_fifo = fifo;
	l.oci_preserve_fds = o->preserve_fds;
	l.oci_no_pivot = o->no_pivot;
	pid = launch_clone(&l);
	if (l.oci_mntns >= 0)
		close(l.oci_mntns);
	if (pid < 0)
		goto fail_spec;
	/* a new user namespace: its maps before the init goes on (it waits
	 * for go, launch_go, before anything else) */
	if ((s.new_ns & CLONE_NEWUSER) && write_id_maps(pid, &s)) {
		launch_abort(&l, pid);
		pid = -1;
		goto fail_spec;
	}
	if (launch_go(&l, pid, &code) < 0) {
		pid = -1;
		goto fail_spec;
	}
	if (host_mnt && (st.root_mnt = release_root_mount(st.rootfs, 0, 0)) == host_mnt)
		st.root_mnt = 0;
	st.pid = pid;
	st.pid_start = proc_start_time(pid);
	st.created = container_now();
	st.no_pivot = o->no_pivot;
	st.status = OCI_CREATED;
	if (master >= 0 && (!o->console_socket || send_console(o->console_socket, master)))
		goto fail_kill;
	if (write_state(o->root, &st) || (o->pid_file && write_pid_file(o->pid_file, pid)))
		goto fail_kill;
	if (state_text(&st, &s, &w))
		goto fail_kill;
	if (oci_run_hooks(&s, OCI_PRESTART, w.buf) || oci_run_hooks(&s, OCI_CREATE_RUNTIME, w.buf)
	    || oci_run_hooks(&s, OCI_CREATE_CONTAINER, w.buf))
		goto fail_kill;
	jw_free(&w);
	if (master >= 0)
		close(master);
	close(fifo);
	oci_spec_free(&s);
	free(text);
	container_unlock(lock);
	return pid;
fail_kill:
	jw_free(&w);
	kill(pid, SIGKILL);
	wait_gone(pid, st.pid_start);
fail_spec:
	if (master >= 0)
		close(master);
	oci_spec_free(&s);
fail_text:
	free(text);
fail:
	{
		char msg[256];
		int e = err_errno();

		snprintf(msg, sizeof(msg), "%s", err_msg());
		if (fifo >= 0)
			close(fifo);
		/* an init that failed may have left its root's bind */
		if (host_mnt && (st.root_mnt = release_root_mount(st.rootfs, 0, 0)) != host_mnt)
			release_root_mount(st.rootfs, 1, st.root_mnt);
		if (have_cg)
			cgroup_destroy(&cg, oci_cgroup_parents(st.cgroup));
		if (made)
			rm_rf(dir);
		if (lock >= 0)
			container_unlock(lock);
		err_setn(e, "%s", msg);
	}
	return -1;
}

/* ---- start, kill, delete ------------------------------------------------- */

int oci_start(const char *root, const char *id)
{
	struct oci_state st;
	struct oci_spec s;
	char path[PATH_MAX];
	struct json_w w = { 0 };
	int lock = oci_lock(root, id), fd, hup = -1, rc = -1, have_spec = 0, n;

	if (lock < 0)
		return -1;
	if (oci_state_load(root, id, &st))
		goto out;
	if (st.status != OCI_CREATED) {
		err_setn(0, "cannot start a container that has %s",
			 st.status == OCI_STOPPED ? "stopped" : "already started");
		if (st.status == OCI_CREATING)
			err_setn(0, "cannot start a container that is still being created");
		goto out;
	}
	if (file_in(root, id, "exec.fifo", path))
		goto out;
	/* A reader of our own first, so that the fifo reports POLLHUP once
	 * every writer opened after it is gone: ours, and the init's
	 * (O_RDWR, closed by its exec). Then start returns only once the
	 * process runs: a signal sent at once (kill after start) reaches
	 * it, not an init that, as PID 1, would drop it. */
	if ((hup = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0
	    || (fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		err_set("cannot start container %s", id);
		if (hup >= 0)
			close(hup);
		goto out;
	}
	/* the state for startContainer hooks, if it fits one atomic write;
	 * any byte lets the init go on */
	have_spec = oci_saved_spec(root, id, &s) == 0;
	if (!have_spec || state_text(&st, &s, &w) || w.len >= PIPE_BUF)
		n = write(fd, "{}", 2) == 2;
	else
		n = write(fd, w.buf, w.len) == (ssize_t)w.len;
	jw_free(&w);
	close(fd);
	if (!n) {
		err_set("cannot start container %s", id);
		close(hup);
		goto out;
	}
	{
		struct pollfd p = { hup, 0, 0 };

		while (poll(&p, 1, 10000) < 0 && errno == EINTR)
			;
	}
	close(hup);
	unlink(path);
	rc = 0;
	/* poststart: after the process started; a failure is reported,
	 * the container stays (runtime-spec: warning) */
	if (have_spec) {
		st.status = OCI_RUNNING;
		if (state_text(&st, &s, &w) == 0 && oci_run_hooks(&s, OCI_POSTSTART, w.buf))
			rc = -1;
		jw_free(&w);
	}
out:
	if (have_spec)
		oci_spec_free(&s);
	container_unlock(lock);
	return rc;
}

int oci_kill(const char *root, const char *id, int sig, int all)
{
	struct oci_state st;
	struct cgroup cg;
	int lock = oci_lock(root, id), rc = -1;

	if (lock < 0)
		return -1;
	if (oci_state_load(root, id, &st))
		goto out;
	/* An init that exited is stopped even before its parent reaps it:
	 * the spec wants kill refused then. */
	if (st.status == OCI_STOPPED || st.status == OCI_CREATING) {
		err_setn(ESRCH, "container not running");
		goto out;
	}
	if (all && st.cgroup[0] && cgroup_open(&cg, st.cgroup) == 0)
		rc = cgroup_kill(&cg, sig);
	else if ((rc = kill(st.pid, sig)) < 0)
		err_set("kill %d", (int)st.pid);
out:
	container_unlock(lock);
	return rc;
}

int oci_delete(const char *root, const char *id, int force)
{
	struct oci_state st;
	struct oci_spec s;
	char dir[PATH_MAX];
	struct json_w w;
	int lock = oci_lock(root, id), rc = 0, have_spec;

	if (lock < 0)
		return force && err_errno() == ENOENT ? 0 : -1;
	if (oci_state_load(root, id, &st)) {
		container_unlock(lock);
		return -1;
	}
	/* the spec: only a stopped one (runc also takes a created one) */
	if (st.status != OCI_STOPPED && !force) {
		err_setn(0, "cannot delete container %s that is not stopped: %s", id,
			 oci_status_name(st.status));
		container_unlock(lock);
		return -1;
	}
	have_spec = oci_saved_spec(root, id, &s) == 0;
	{
		/* its processes (unless stopped), the cgroup, the root's
		 * bind: as run's are let go (release.h) */
		struct release r = {
			.cgroup = st.cgroup, .cgroup_parents = oci_cgroup_parents(st.cgroup),
			.kill = st.status != OCI_STOPPED,
			.pid = st.pid, .pid_start = st.pid_start,
			.rootfs = st.rootfs, .root_mnt = st.root_mnt,
		};

		if (release_container(&r))
			rc = -1;
	}
	st.status = OCI_STOPPED;
	if (have_spec) {
		/* poststop: failures are logged, the delete goes on */
		if (state_text(&st, &s, &w) == 0 && oci_run_hooks(&s, OCI_POSTSTOP, w.buf))
			warnx("%s", err_msg());
		jw_free(&w);
		oci_spec_free(&s);
	}
	if (oci_dir(root, id, dir) == 0 && rm_rf(dir))
		rc = -1;
	container_unlock(lock);
	return rc;
}

int oci_pause(const char *root, const char *id, int on)
{
	struct oci_state st;
	struct cgroup cg;
	int lock = oci_lock(root, id), rc = -1;

	if (lock < 0)
		return -1;
	if (oci_state_load(root, id, &st))
		goto out;
	if (st.status != (on ? OCI_RUNNING : OCI_PAUSED)) {
		err_setn(0, "container %s is %s, not %s", id, oci_status_name(st.status),
			 on ? "running" : "paused");
		goto out;
	}
	if (cgroup_open(&cg, st.cgroup) == 0)
		rc = cgroup_freeze(&cg, on);
out:
	container_unlock(lock);
	return rc;
}

int oci_pids(const char *root, const char *id, pid_t *pids, int max)
{
	struct oci_state st;
	struct cgroup cg;
	int lock = oci_lock(root, id), rc = -1;

	if (lock < 0)
		return -1;
	if (oci_state_load(root, id, &st) == 0) {
		if (st.status == OCI_STOPPED)
			rc = 0;
		else if (cgroup_open(&cg, st.cgroup) == 0)
			rc = cgroup_procs(&cg, pids, max);
	}
	container_unlock(lock);
	return rc;
}
