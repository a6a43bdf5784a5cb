/* cgroup_devices.c - which device nodes a container may open or make:
 * Docker's default list plus its --device nodes, everything else denied
 * (cgroup.h). v1 has files for it; v2 takes an eBPF program, generated
 * here (runc's devicefilter is the model). */
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
	{ 'c', -1, -1, "m" }, { 'b', -1, -1, "m" },
	{ 'c', 1, 3, "rwm" },    /* null */
	{ 'c', 1, 5, "rwm" },    /* zero */
	{ 'c', 1, 7, "rwm" },    /* full */
	{ 'c', 1, 8, "rwm" },    /* random */
	{ 'c', 1, 9, "rwm" },    /* urandom */
	{ 'c', 5, 0, "rwm" },    /* tty */
	{ 'c', 5, 1, "rwm" },    /* console */
	{ 'c', 5, 2, "rwm" },    /* ptmx */
	{ 'c', 136, -1, "rwm" }, /* pts/N */
	{ 'c', 10, 200, "rwm" }, /* net/tun */
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

/* One rule per write(2), all through one open devices.allow: the
 * kernel parses each write alone, and a dozen opens of a long cgroup
 * path are a measurable part of a container's start. */
static int v1_allow(int fd, const char *dir, const struct cgroup_device *d)
{
	char rule[64], maj[12], min[12];
	int n;

	num(maj, sizeof(maj), d->major);
	num(min, sizeof(min), d->minor);
	n = snprintf(rule, sizeof(rule), "%c %s:%s %s", d->type, maj, min, d->access);
	if (write(fd, rule, (size_t)n) != n)
		return err_set("cannot write \"%s\" to %s/devices.allow", rule, dir);
	return 0;
}

static int set_v1(const char *dir, const struct cgroup_device *allow, int n)
{
	char path[CGROUP_PATH_MAX + 64];
	int fd, r = 0;

	if (cgroup_file_write(dir, "devices.deny", "a"))
		return -1;
	snprintf(path, sizeof(path), "%s/devices.allow", dir);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return err_set("cannot open %s", path);
	/* the caller's rules first, in their order, then the nodes every
	 * container has, as runc appends them: devices.list reads as the
	 * spec was written (the validation suite's linux_cgroups_devices) */
	for (int i = 0; i < n && !r; i++)
		r = v1_allow(fd, dir, &allow[i]);
	for (int i = 0; i < NDEFAULTS && !r; i++)
		r = v1_allow(fd, dir, &defaults[i]);
	close(fd);
	return r;
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
	EXIT = 0x95,       /* return r0 */
	BPF_PROG_LOAD = 5,
	BPF_PROG_ATTACH = 8,
	PROG_TYPE_CGROUP_DEVICE = 15,
	ATTACH_CGROUP_DEVICE = 6,
	F_ALLOW_MULTI = 2, /* programs of ours and a parent's all run */
	DEV_BLOCK = 1, DEV_CHAR = 2,             /* bpf_cgroup_dev_ctx type */
	ACC_MKNOD = 1, ACC_READ = 2, ACC_WRITE = 4, /* and its access */
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

/* The longest rule: type, access (3), major, minor, allow (2). */
#define RULE_INSNS 8

static struct insn *emit(struct insn *p, uint8_t code, int dst, int src, int off, int32_t imm)
{
	*p = (struct insn){ code, (uint8_t)dst, (uint8_t)src, (int16_t)off, imm };
	return p + 1;
}

static unsigned access_bits(const char *s)
{
	return (strchr(s, 'm') ? ACC_MKNOD : 0) | (strchr(s, 'r') ? ACC_READ : 0) |
	       (strchr(s, 'w') ? ACC_WRITE : 0);
}

/* One rule: if the request matches, return 1; else fall through to the
 * next rule (every jump lands just past this block). Registers, loaded
 * once: r2 type, r3 access asked for, r4 major, r5 minor. */
static struct insn *emit_rule(struct insn *p, const struct cgroup_device *d)
{
	struct insn *jumps[4];
	unsigned acc = access_bits(d->access);
	int nj = 0;

	if (d->type != 'a') {
		jumps[nj++] = p;
		p = emit(p, JNE_K, 2, 0, 0, d->type == 'b' ? DEV_BLOCK : DEV_CHAR);
	}
	if (acc != (ACC_MKNOD | ACC_READ | ACC_WRITE)) {
		/* what is asked for must be within what is allowed */
		p = emit(p, MOV32_X, 1, 3, 0, 0);
		p = emit(p, AND32_K, 1, 0, 0, (int32_t)acc);
		jumps[nj++] = p;
		p = emit(p, JNE_X, 1, 3, 0, 0);
	}
	if (d->major >= 0) {
		jumps[nj++] = p;
		p = emit(p, JNE_K, 4, 0, 0, d->major);
	}
	if (d->minor >= 0) {
		jumps[nj++] = p;
		p = emit(p, JNE_K, 5, 0, 0, d->minor);
	}
	p = emit(p, MOV64_K, 0, 0, 0, 1);
	p = emit(p, EXIT, 0, 0, 0, 0);
	for (int i = 0; i < nj; i++)
		jumps[i]->off = (int16_t)(p - jumps[i] - 1);
	return p;
}

static int set_v2(const char *dir, const struct cgroup_device *allow, int n)
{
	size_t cnt = 6 + (size_t)(NDEFAULTS + n) * RULE_INSNS + 2; /* load ctx, deny */
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
	for (int i = 0; i < NDEFAULTS; i++)
		p = emit_rule(p, &defaults[i]);
	for (int i = 0; i < n; i++)
		p = emit_rule(p, &allow[i]);
	p = emit(p, MOV64_K, 0, 0, 0, 0); /* no rule matched: deny */
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

int cgroup_set_devices(const struct cgroup *cg, const struct cgroup_device *allow, int n)
{
	const char *dir = cgroup_path(cg, CG_DEVICES);

	if (dir)
		return set_v1(dir, allow, n);
	if ((dir = cgroup_path(cg, CG_UNIFIED)))
		return set_v2(dir, allow, n);
	return err_setn(EOPNOTSUPP, "no devices cgroup controller here");
}
