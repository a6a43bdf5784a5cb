/* cgroup_devices.c - which device nodes a container may open or make:
 * the caller's ordered allow/deny rules, then Docker's default list,
 * everything else denied (cgroup.h). v1 has files for it; v2 takes an
 * eBPF program, generated here from the rules as v1 would keep them
 * (runc's emulator and devicefilter are the model). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "err.h"

/* Docker's and runc's defaults: make any node, open only these. */
static const struct cgroup_device defaults[] = {
	{ 'c', -1, -1, "m", 0 }, { 'b', -1, -1, "m", 0 },
	{ 'c', 1, 3, "rwm", 0 },    /* null */
	{ 'c', 1, 5, "rwm", 0 },    /* zero */
	{ 'c', 1, 7, "rwm", 0 },    /* full */
	{ 'c', 1, 8, "rwm", 0 },    /* random */
	{ 'c', 1, 9, "rwm", 0 },    /* urandom */
	{ 'c', 5, 0, "rwm", 0 },    /* tty */
	{ 'c', 5, 1, "rwm", 0 },    /* console */
	{ 'c', 5, 2, "rwm", 0 },    /* ptmx */
	{ 'c', 136, -1, "rwm", 0 }, /* pts/N */
	{ 'c', 10, 200, "rwm", 0 }, /* net/tun */
};
#define NDEFAULTS (int)(sizeof(defaults) / sizeof(defaults[0]))

/* ---- v1: devices.deny, devices.allow ------------------------------------ */

static void num(char *buf, size_t n, int v)
{
	if (v < 0)
		snprintf(buf, n, "*");
	else
		snprintf(buf, n, "%d", v);
}

/* One rule per write(2), through one open devices.allow and one
 * devices.deny: the kernel parses each write alone, and a dozen opens
 * of a long cgroup path are a measurable part of a container's start. */
static int v1_write(const int *fds, const char *dir, const struct cgroup_device *d)
{
	char rule[64], maj[12], min[12];
	int n;

	num(maj, sizeof(maj), d->major);
	num(min, sizeof(min), d->minor);
	if (d->type == 'a')
		n = snprintf(rule, sizeof(rule), "a");
	else
		n = snprintf(rule, sizeof(rule), "%c %s:%s %s", d->type, maj, min, d->access);
	if (write(fds[!!d->deny], rule, (size_t)n) != n)
		return err_set("cannot write \"%s\" to %s/devices.%s", rule, dir,
			       d->deny ? "deny" : "allow");
	return 0;
}

static int set_v1(const char *dir, const struct cgroup_device *rules, int n)
{
	static const struct cgroup_device deny_all = { 'a', -1, -1, "rwm", 1 };
	static const char *const files[2] = { "devices.allow", "devices.deny" };
	char path[CGROUP_PATH_MAX + 64];
	int fds[2], r = 0;

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if ((fds[i] = open(path, O_WRONLY | O_CLOEXEC)) < 0) {
			r = err_set("cannot open %s", path);
			if (i)
				close(fds[0]);
			return r;
		}
	}
	/* the caller's rules in their order, then the nodes every container
	 * has, as runc appends them: the kernel applies them one by one,
	 * and devices.list reads as the spec was written (the validation
	 * suite's linux_cgroups_devices) */
	r = v1_write(fds, dir, &deny_all);
	for (int i = 0; i < n && !r; i++)
		r = v1_write(fds, dir, &rules[i]);
	for (int i = 0; i < NDEFAULTS && !r; i++)
		r = v1_write(fds, dir, &defaults[i]);
	close(fds[0]);
	close(fds[1]);
	return r;
}

/* ---- the rules as v1 keeps them ------------------------------------------ */

enum { ACC_MKNOD = 1, ACC_READ = 2, ACC_WRITE = 4, ACC_ALL = 7 }; /* bpf_cgroup_dev_ctx's */

static unsigned access_bits(const char *s)
{
	return (strchr(s, 'm') ? ACC_MKNOD : 0) | (strchr(s, 'r') ? ACC_READ : 0) |
	       (strchr(s, 'w') ? ACC_WRITE : 0);
}

/* A default and its exceptions, as the kernel's v1 devices cgroup (and
 * runc's emulator) keeps them: what v2's program must decide alike. */
struct exception {
	char type;
	int major, minor;
	unsigned acc;
};

struct policy {
	int allow_all;
	int n;
	struct exception *ex;
};

/* Apply one rule as the v1 kernel does a write to devices.allow/.deny. */
static int policy_apply(struct policy *p, const struct cgroup_device *d)
{
	unsigned acc = access_bits(d->access);
	char maj[12], min[12];
	int i;

	if (d->type == 'a') {
		p->allow_all = !d->deny;
		p->n = 0;
		return 0;
	}
	for (i = 0; i < p->n; i++)
		if (p->ex[i].type == d->type && p->ex[i].major == d->major &&
		    p->ex[i].minor == d->minor)
			break;
	if (p->allow_all == !!d->deny) { /* an exception, merged into its node's */
		if (i == p->n)
			p->ex[p->n++] = (struct exception){ d->type, d->major, d->minor, 0 };
		p->ex[i].acc |= acc;
		return 0;
	}
	/* the kernel takes access from the exception of the very node only;
	 * a wildcard one covering it keeps giving it: refused, as runc does */
	for (int j = 0; j < p->n; j++)
		if (j != i && p->ex[j].type == d->type && (p->ex[j].acc & acc) &&
		    (p->ex[j].major < 0 || p->ex[j].major == d->major) &&
		    (p->ex[j].minor < 0 || p->ex[j].minor == d->minor)) {
			num(maj, sizeof(maj), d->major);
			num(min, sizeof(min), d->minor);
			return err_setn(EINVAL, "device rule %c %s:%s %s: cannot punch a hole "
					"in a wildcard rule", d->type, maj, min, d->access);
		}
	/* nor from the narrower ones it covers: a deny of c *:* w after an
	 * allow of c 1:3 rw would leave 1:3 writable (v1 and runc keep it
	 * silently). A narrower deny an allow leaves only denies more. */
	for (int j = 0; j < p->n && !p->allow_all; j++)
		if (j != i && p->ex[j].type == d->type && (p->ex[j].acc & acc) &&
		    (d->major < 0 || p->ex[j].major == d->major) &&
		    (d->minor < 0 || p->ex[j].minor == d->minor)) {
			num(maj, sizeof(maj), d->major);
			num(min, sizeof(min), d->minor);
			return err_setn(EINVAL, "device rule %c %s:%s %s: cannot deny what a "
					"narrower allow before it gives", d->type, maj, min, d->access);
		}
	if (i < p->n && !(p->ex[i].acc &= ~acc)) {
		memmove(&p->ex[i], &p->ex[i + 1], (size_t)(p->n - i - 1) * sizeof(*p->ex));
		p->n--;
	}
	return 0;
}

/* The deny-all, rules[0..n) and the defaults, as cgroup_set_devices
 * applies them; p->ex is allocated (the caller frees it). */
static int policy_make(struct policy *p, const struct cgroup_device *rules, int n)
{
	p->allow_all = 0;
	p->n = 0;
	if (!(p->ex = calloc((size_t)n + NDEFAULTS, sizeof(*p->ex))))
		return err_setn(ENOMEM, "devices policy");
	for (int i = 0; i < n + NDEFAULTS; i++)
		if (policy_apply(p, i < n ? &rules[i] : &defaults[i - n]))
			return -1;
	return 0;
}

/* ---- v2: a BPF_PROG_TYPE_CGROUP_DEVICE program --------------------------- */

/* From linux/bpf.h, which a musl tool chain may lack. */
struct insn {
	uint8_t code;
	uint8_t dst : 4, src : 4;
	int16_t off;
	int32_t imm;
};

enum {
	LDX_W = 0x61,      /* dst = *(u32 *)(src + off) */
	AND32_K = 0x54,    /* dst &= imm */
	RSH32_K = 0x74,    /* dst >>= imm */
	MOV32_X = 0xbc,    /* dst = src */
	MOV64_K = 0xb7,    /* dst = imm */
	JNE_K = 0x55,      /* if dst != imm: pc += off */
	JNE_X = 0x5d,      /* if dst != src: pc += off */
	JEQ_K = 0x15,      /* if dst == imm: pc += off */
	EXIT = 0x95,       /* return r0 */
	BPF_PROG_LOAD = 5,
	BPF_PROG_ATTACH = 8,
	PROG_TYPE_CGROUP_DEVICE = 15,
	ATTACH_CGROUP_DEVICE = 6,
	F_ALLOW_MULTI = 2, /* programs of ours and a parent's all run */
	DEV_BLOCK = 1, DEV_CHAR = 2, /* bpf_cgroup_dev_ctx type */
};

/* The fields of union bpf_attr that the two commands use. */
struct load_attr {
	uint32_t prog_type, insn_cnt;
	uint64_t insns, license;
	uint32_t log_level, log_size;
	uint64_t log_buf;
	uint32_t kern_version;
};

struct attach_attr {
	uint32_t target_fd, attach_bpf_fd, attach_type, attach_flags;
};

/* The longest rule: type, access (3), major, minor, return (2). */
#define RULE_INSNS 8

static struct insn *emit(struct insn *p, uint8_t code, int dst, int src, int off, int32_t imm)
{
	*p = (struct insn){ code, (uint8_t)dst, (uint8_t)src, (int16_t)off, imm };
	return p + 1;
}

/* One exception: if the request matches, return the opposite of the
 * default; else fall through to the next (every jump lands just past
 * this block). Registers, loaded once: r2 type, r3 access asked for, r4
 * major, r5 minor. The access matches as v1's does: an allow only if
 * it covers all that is asked for (read and write to open O_RDWR), a
 * deny if it covers any of it. */
static struct insn *emit_rule(struct insn *p, const struct exception *e, int allow_all)
{
	struct insn *jumps[4];
	int nj = 0;

	jumps[nj++] = p;
	p = emit(p, JNE_K, 2, 0, 0, e->type == 'b' ? DEV_BLOCK : DEV_CHAR);
	if (e->acc != ACC_ALL) {
		p = emit(p, MOV32_X, 1, 3, 0, 0);
		p = emit(p, AND32_K, 1, 0, 0, (int32_t)e->acc);
		jumps[nj++] = p;
		p = allow_all ? emit(p, JEQ_K, 1, 0, 0, 0) : emit(p, JNE_X, 1, 3, 0, 0);
	}
	if (e->major >= 0) {
		jumps[nj++] = p;
		p = emit(p, JNE_K, 4, 0, 0, e->major);
	}
	if (e->minor >= 0) {
		jumps[nj++] = p;
		p = emit(p, JNE_K, 5, 0, 0, e->minor);
	}
	p = emit(p, MOV64_K, 0, 0, 0, !allow_all);
	p = emit(p, EXIT, 0, 0, 0, 0);
	for (int i = 0; i < nj; i++)
		jumps[i]->off = (int16_t)(p - jumps[i] - 1);
	return p;
}

static int set_v2(const char *dir, const struct policy *pol)
{
	size_t cnt = 6 + (size_t)pol->n * RULE_INSNS + 2; /* load ctx, the default */
	struct insn *prog = calloc(cnt, sizeof(*prog)), *p = prog;
	struct load_attr load;
	struct attach_attr at;
	int pfd, cfd, e;

	if (!prog)
		return err_setn(ENOMEM, "devices policy");
	/* ctx: u32 access_type (access << 16 | type), major, minor */
	p = emit(p, LDX_W, 2, 1, 0, 0);
	p = emit(p, AND32_K, 2, 0, 0, 0xffff);
	p = emit(p, LDX_W, 3, 1, 0, 0);
	p = emit(p, RSH32_K, 3, 0, 0, 16);
	p = emit(p, LDX_W, 4, 1, 4, 0);
	p = emit(p, LDX_W, 5, 1, 8, 0);
	for (int i = 0; i < pol->n; i++)
		p = emit_rule(p, &pol->ex[i], pol->allow_all);
	p = emit(p, MOV64_K, 0, 0, 0, pol->allow_all); /* no exception matched */
	p = emit(p, EXIT, 0, 0, 0, 0);

	memset(&load, 0, sizeof(load));
	load.prog_type = PROG_TYPE_CGROUP_DEVICE;
	load.insn_cnt = (uint32_t)(p - prog);
	load.insns = (uintptr_t)prog;
	load.license = (uintptr_t)""; /* not GPL: it calls no helper at all */
	pfd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof(load));
	e = errno;
	free(prog);
	if (pfd < 0) {
		/* ENOSYS: no bpf(2); EINVAL: no such program type (no
		 * CONFIG_CGROUP_BPF). The caller decides what that means. */
		if (e == ENOSYS || e == EINVAL)
			e = EOPNOTSUPP;
		return err_setn(e, "cannot load the devices policy (eBPF)");
	}
	if ((cfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		close(pfd);
		return err_set("cannot open %s", dir);
	}
	memset(&at, 0, sizeof(at));
	at.target_fd = (uint32_t)cfd;
	at.attach_bpf_fd = (uint32_t)pfd;
	at.attach_type = ATTACH_CGROUP_DEVICE;
	at.attach_flags = F_ALLOW_MULTI;
	/* The cgroup holds the program from here; it goes with the cgroup. */
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &at, sizeof(at)) < 0) {
		e = errno;
		close(cfd);
		close(pfd);
		return err_setn(e, "cannot attach the devices policy to %s", dir);
	}
	close(cfd);
	close(pfd);
	return 0;
}

int cgroup_set_devices(const struct cgroup *cg, const struct cgroup_device *rules, int n)
{
	const char *v1 = cgroup_path(cg, CG_DEVICES), *v2 = cgroup_path(cg, CG_UNIFIED);
	struct policy pol;
	int r;

	/* made on v1 too: a rule v1 cannot keep fails on both alike */
	r = policy_make(&pol, rules, n);
	if (!r && v1)
		r = set_v1(v1, rules, n);
	else if (!r && v2)
		r = set_v2(v2, &pol);
	else if (!r)
		r = err_setn(EOPNOTSUPP, "no devices cgroup controller here");
	free(pol.ex);
	return r;
}
