/* seccomp_oci.c - compile an OCI seccomp profile (see seccomp_oci.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "applet.h"
#include "err.h"
#include "seccomp_oci.h"

#define LD_ABS 0x20  /* BPF_LD | BPF_W | BPF_ABS */
#define JEQ    0x15
#define JGT    0x25
#define JGE    0x35
#define AND    0x54  /* BPF_ALU | BPF_AND | BPF_K */
#define RET    0x06

#define OFF_NR   0
#define OFF_ARCH 4
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define OFF_LO(i) (16 + 8 * (i) + 4)
#define OFF_HI(i) (16 + 8 * (i))
#else
#define OFF_LO(i) (16 + 8 * (i))
#define OFF_HI(i) (16 + 8 * (i) + 4)
#endif

#define AA_64 0x80000000u
#define AA_LE 0x40000000u
#if defined(__x86_64__) && !defined(__ILP32__)
#define ARCH_OURS (62 | AA_64 | AA_LE)
#define X32_BIT 0x40000000u
#elif defined(__aarch64__)
#define ARCH_OURS (183 | AA_64 | AA_LE)
#elif defined(__arm__) && defined(__ARMEL__)
#define ARCH_OURS (40 | AA_LE)
#elif defined(__mips__) && defined(__MIPSEL__)
#define ARCH_OURS (8 | AA_LE)
#elif defined(__mips__)
#define ARCH_OURS 8
#elif defined(__i386__)
#define ARCH_OURS (3 | AA_LE)
#else
#define ARCH_OURS 0
#endif

/* Names one after another, NUL-separated, and their numbers in the same
 * order: no pointer per name (a third of the table's size). */
static const char call_names[] =
#define S(n) #n "\0"
#include "syscall_names.h"
#undef S
	;
static const uint32_t call_nrs[] = {
#define S(n) SYS_##n,
#include "syscall_names.h"
#undef S
};

long seccomp_syscall_nr(const char *name)
{
	const char *p = call_names;

	for (unsigned i = 0; i < sizeof(call_nrs) / sizeof(call_nrs[0]); i++, p += strlen(p) + 1)
		if (!strcmp(p, name))
			return (long)call_nrs[i];
	return -1;
}

const char *seccomp_syscall_name(long nr)
{
	const char *p = call_names;

	for (unsigned i = 0; i < sizeof(call_nrs) / sizeof(call_nrs[0]); i++, p += strlen(p) + 1)
		if ((long)call_nrs[i] == nr)
			return p;
	return NULL;
}

/* An action name and its errno into a return value; -1 if unknown. */
static int action(const char *name, int64_t err, int has_err, uint32_t *ret)
{
	static const struct {
		const char *name;
		uint32_t ret;
	} t[] = {
		{ "SCMP_ACT_ALLOW", 0x7fff0000u }, { "SCMP_ACT_ERRNO", 0x00050000u },
		{ "SCMP_ACT_KILL", 0 }, { "SCMP_ACT_KILL_THREAD", 0 },
		{ "SCMP_ACT_KILL_PROCESS", 0x80000000u }, { "SCMP_ACT_TRAP", 0x00030000u },
		{ "SCMP_ACT_LOG", 0x7ffc0000u }, { "SCMP_ACT_TRACE", 0x7ff00000u },
	};

	for (unsigned i = 0; name && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(name, t[i].name)) {
			*ret = t[i].ret;
			if (t[i].ret == 0x00050000u)
				*ret |= (uint32_t)((has_err ? err : EPERM) & 0xffff);
			else if (t[i].ret == 0x7ff00000u)
				*ret |= (uint32_t)((has_err ? err : ENOSYS) & 0xffff);
			return 0;
		}
	return err_setn(EOPNOTSUPP, "seccomp: action %s is not supported", name ? name : "(none)");
}

struct prog {
	struct seccomp_insn *p;
	int n, max;
};

#define FAIL 0xff  /* patched: to the instruction after the rule's ret */

static int emit(struct prog *g, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (g->n >= g->max)
		return err_setn(E2BIG, "seccomp: the profile makes too long a program");
	g->p[g->n++] = (struct seccomp_insn){ code, jt, jf, k };
	return 0;
}

static int get_int(const struct json_doc *d, uint32_t obj, const char *key, int64_t *v)
{
	uint32_t i = json_get(d, obj, key);

	return i && json_type(d, i) == JSON_NUMBER && !json_int(d, i, v);
}

/* One argument condition: falls through when it holds, FAIL if not. */
static int emit_arg(struct prog *g, const struct json_doc *d, uint32_t a)
{
	int64_t idx, v = 0, v2 = 0;
	const char *op = json_get_str(d, a, "op");
	uint32_t vh, vl, mh, ml;
	int rc;

	if (!get_int(d, a, "index", &idx) || idx < 0 || idx > 5 || !op)
		return err_setn(EINVAL, "seccomp: bad argument condition");
	/* uint64 values above INT64_MAX do not fit json_int: refused */
	if (!get_int(d, a, "value", &v) && json_get(d, a, "value"))
		return err_setn(EINVAL, "seccomp: argument value out of range");
	if (!get_int(d, a, "valueTwo", &v2) && json_get(d, a, "valueTwo"))
		return err_setn(EINVAL, "seccomp: argument valueTwo out of range");
	vh = (uint32_t)((uint64_t)v >> 32), vl = (uint32_t)v;
	mh = (uint32_t)((uint64_t)v2 >> 32), ml = (uint32_t)v2;
	if (!strcmp(op, "SCMP_CMP_EQ"))
		rc = emit(g, LD_ABS, OFF_HI(idx), 0, 0) || emit(g, JEQ, vh, 0, FAIL)
		     || emit(g, LD_ABS, OFF_LO(idx), 0, 0) || emit(g, JEQ, vl, 0, FAIL);
	else if (!strcmp(op, "SCMP_CMP_NE"))
		rc = emit(g, LD_ABS, OFF_HI(idx), 0, 0) || emit(g, JEQ, vh, 0, 2)
		     || emit(g, LD_ABS, OFF_LO(idx), 0, 0) || emit(g, JEQ, vl, FAIL, 0);
	else if (!strcmp(op, "SCMP_CMP_MASKED_EQ")) /* (arg & value) == valueTwo */
		rc = emit(g, LD_ABS, OFF_HI(idx), 0, 0) || emit(g, AND, vh, 0, 0)
		     || emit(g, JEQ, mh, 0, FAIL) || emit(g, LD_ABS, OFF_LO(idx), 0, 0)
		     || emit(g, AND, vl, 0, 0) || emit(g, JEQ, ml, 0, FAIL);
	else if (!strcmp(op, "SCMP_CMP_GT") || !strcmp(op, "SCMP_CMP_GE"))
		rc = emit(g, LD_ABS, OFF_HI(idx), 0, 0) || emit(g, JGT, vh, 3, 0)
		     || emit(g, JEQ, vh, 0, FAIL) || emit(g, LD_ABS, OFF_LO(idx), 0, 0)
		     || emit(g, op[10] == 'T' ? JGT : JGE, vl, 0, FAIL);
	else if (!strcmp(op, "SCMP_CMP_LT") || !strcmp(op, "SCMP_CMP_LE"))
		rc = emit(g, LD_ABS, OFF_HI(idx), 0, 0) || emit(g, JGE, vh, 0, 3)
		     || emit(g, JEQ, vh, 0, FAIL) || emit(g, LD_ABS, OFF_LO(idx), 0, 0)
		     || emit(g, op[10] == 'T' ? JGE : JGT, vl, FAIL, 0);
	else
		return err_setn(EINVAL, "seccomp: unknown operator %s", op);
	return rc ? -1 : 0;
}

/* A rule for one call: nr, its conditions, ret. FAIL jumps resolved to
 * the end of the block (offsets under 256: at most 6 conditions). */
static int emit_rule(struct prog *g, const struct json_doc *d, long nr, uint32_t args,
		     uint32_t ret)
{
	int start = g->n;

	if (emit(g, LD_ABS, OFF_NR, 0, 0) || emit(g, JEQ, (uint32_t)nr, 0, FAIL))
		return -1;
	for (uint32_t a = args ? json_first(d, args) : 0; a; a = json_next(d, a))
		if (emit_arg(g, d, a))
			return -1;
	if (emit(g, RET, ret, 0, 0))
		return -1;
	for (int i = start; i < g->n; i++) {
		if ((g->p[i].code & 0x07) != 0x05) /* BPF_JMP */
			continue;
		if (g->p[i].jt == FAIL)
			g->p[i].jt = (uint8_t)(g->n - i - 1);
		if (g->p[i].jf == FAIL)
			g->p[i].jf = (uint8_t)(g->n - i - 1);
	}
	return 0;
}

int seccomp_oci_program(const struct json_doc *d, uint32_t obj, struct seccomp_insn *p, int max)
{
	struct prog g = { p, 0, max };
	uint32_t def, other, syscalls = json_get(d, obj, "syscalls"), r;
	int64_t e = 0;
	int has_e = get_int(d, obj, "defaultErrnoRet", &e);

	if (json_get_str(d, obj, "listenerPath") && *json_get_str(d, obj, "listenerPath"))
		return err_setn(EOPNOTSUPP, "seccomp: listenerPath (user notification) is not supported");
	if (action(json_get_str(d, obj, "defaultAction"), e, has_e, &def))
		return -1;
	/* another ABI's numbers mean other calls: its calls get the default,
	 * or are killed when the default lets everything through */
	other = def == 0x7fff0000u || def == 0x7ffc0000u ? 0x80000000u : def;
	if (emit(&g, LD_ABS, OFF_ARCH, 0, 0) || emit(&g, JEQ, ARCH_OURS, 1, 0)
	    || emit(&g, RET, other, 0, 0))
		return -1;
#ifdef X32_BIT
	if (emit(&g, LD_ABS, OFF_NR, 0, 0) || emit(&g, JGE, X32_BIT, 0, 1)
	    || emit(&g, RET, other, 0, 0))
		return -1;
#endif
	/* a part of the wrong type is an error, as runc's decoder makes it:
	 * skipped, it would leave a filter with fewer rules than written */
	if (syscalls && json_type(d, syscalls) != JSON_ARRAY && json_type(d, syscalls) != JSON_NULL)
		return err_setn(EINVAL, "seccomp: syscalls: not a list");
	for (r = syscalls ? json_first(d, syscalls) : 0; r; r = json_next(d, r)) {
		uint32_t names = json_get(d, r, "names"), args = json_get(d, r, "args"), n;
		int64_t re = 0;
		int has_re = get_int(d, r, "errnoRet", &re);
		uint32_t ret;

		if (json_type(d, r) != JSON_OBJECT)
			return err_setn(EINVAL, "seccomp: syscalls: not a list of objects");
		if (action(json_get_str(d, r, "action"), re, has_re, &ret))
			return -1;
		if (args && json_type(d, args) == JSON_ARRAY && d->nodes[args].len > 6)
			return err_setn(EINVAL, "seccomp: more than 6 argument conditions");
		if (args && json_type(d, args) == JSON_NULL)
			args = 0;
		if (args && json_type(d, args) != JSON_ARRAY)
			return err_setn(EINVAL, "seccomp: args: not a list");
		if (names && json_type(d, names) != JSON_ARRAY && json_type(d, names) != JSON_NULL)
			return err_setn(EINVAL, "seccomp: names: not a list");
		/* the old form, one "name" */
		if (!names && json_get_str(d, r, "name")) {
			long nr = seccomp_syscall_nr(json_get_str(d, r, "name"));

			if (nr >= 0 && ret != def && emit_rule(&g, d, nr, args, ret))
				return -1;
			continue;
		}
		for (n = names ? json_first(d, names) : 0; n; n = json_next(d, n)) {
			const char *name = json_str(d, n);
			long nr = name ? seccomp_syscall_nr(name) : -1;

			if (!name)
				return err_setn(EINVAL, "seccomp: names: not a list of strings");
			/* unknown here: skipped, as runc; one that does what
			 * the default does needs no rule */
			if (nr < 0 || (ret == def && !args))
				continue;
			if (emit_rule(&g, d, nr, args, ret))
				return -1;
		}
	}
	if (emit(&g, RET, def, 0, 0))
		return -1;
	return g.n;
}

int seccomp_apply_oci(const struct json_doc *d, uint32_t obj, int nnp)
{
	struct { unsigned short len; struct seccomp_insn *filter; } prog;
	struct seccomp_insn *p;
	int n;

	if (!ENABLED(FEATURE_SECCOMP))
		return err_setn(EOPNOTSUPP, "seccomp: this build has no seccomp support");
	(void)nnp;
	if (!(p = malloc(SECCOMP_OCI_PROG_MAX * sizeof(*p))))
		return err_setn(ENOMEM, "seccomp");
	if ((n = seccomp_oci_program(d, obj, p, SECCOMP_OCI_PROG_MAX)) < 0) {
		free(p);
		return -1;
	}
	prog.len = (unsigned short)n;
	prog.filter = p;
	n = prctl(PR_SET_SECCOMP, 2 /* SECCOMP_MODE_FILTER */, &prog, 0, 0);
	free(p);
	return n < 0 ? err_set("cannot install the seccomp filter") : 0;
}
