/* caps.c - capabilities (see caps.h). capset(2) is called raw: musl has
 * no wrapper and <linux/capability.h> is not in a musl-only build. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "err.h"

/* In number order: CAP_CHOWN is 0. */
static const char *const cap_names[] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL",
	"SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE",
	"NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
	"SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
	"SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL",
	"SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
	"BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

int cap_from_name(const char *name)
{
	const char *n = strncasecmp(name, "CAP_", 4) ? name : name + 4;

	if (!strcasecmp(n, "ALL"))
		return 64;
	for (unsigned i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (!strcasecmp(n, cap_names[i]))
			return i;
	return err_setn(0, "unknown capability: \"%s\"", name);
}

const char *cap_name(int cap)
{
	return cap >= 0 && (unsigned)cap < sizeof(cap_names) / sizeof(cap_names[0])
		? cap_names[cap] : NULL;
}

uint64_t caps_effective_set(uint64_t add, uint64_t drop, int privileged)
{
	uint64_t set = CAPS_DEFAULT;

	if (privileged)
		return CAPS_ALL;
	set = drop == CAPS_ALL ? 0 : set & ~drop;
	return set | add;
}

uint64_t caps_held(void)
{
	struct { uint32_t version; int pid; } h = { 0x20080522, 0 };
	struct { uint32_t eff, perm, inh; } d[2];

	/* the permitted set, one call (the bounding set is a prctl per
	 * capability): what capset lets the init keep */
	if (syscall(SYS_capget, &h, d) < 0)
		return CAPS_ALL;
	return d[0].perm | (uint64_t)d[1].perm << 32;
}

int caps_bound(uint64_t keep)
{
	for (int cap = 0; cap < 64; cap++) {
		if (keep & (1ull << cap))
			continue;
		/* EINVAL: past the kernel's last capability, and so are the
		 * rest (they are numbered from 0 up) */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break;
			return err_set("cannot drop capability %d from the bounding set", cap);
		}
	}
	return 0;
}

uint64_t caps_known(void)
{
	int lo = 0, hi = 64; /* cap lo is known (CAP_CHOWN, 0, always); hi is not */

	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;

		if (prctl(PR_CAPBSET_READ, mid, 0, 0, 0) >= 0)
			lo = mid;
		else
			hi = mid;
	}
	return hi == 64 ? ~0ull : (1ull << hi) - 1;
}

