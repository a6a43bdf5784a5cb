/* Unit tests for core/malloc.c, boxcar's allocator (FEATURE_OWN_MALLOC):
 * linked from libcore.a before libc's, so malloc here is boxcar's. */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "applet.h"
#include "unit.h"

/* A pseudo-random sequence, the same every run. */
static unsigned long long seed = 12345;
static unsigned long rnd(void)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return seed >> 33;
}

static int filled(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

/* Run fn in a child: did it die of SIGABRT? */
static int aborts(void (*fn)(void))
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct rlimit none = { 0, 0 };

		/* no core file for the abort we ask for */
		setrlimit(RLIMIT_CORE, &none);
		signal(SIGABRT, SIG_DFL);
		close(2);
		fn();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 0;
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

/* Through a volatile pointer: the compiler may not see the block's life
 * and drop or warn about what these do on purpose. */
static void *volatile hide;

static void double_free(void)
{
	hide = malloc(40);
	free(hide);
	free(hide);
}

static void header_overwritten(void)
{
	hide = malloc(64);
	((unsigned char *)hide)[-1] ^= 0x40; /* an underflow: the tag's top byte */
	free(hide);
}

static void link_zeroed(void)
{
	hide = malloc(64);
	free(hide);
	*(uintptr_t *)hide = 0; /* a use after free writes the link over */
	hide = malloc(64);      /* the block again: its link is the next head */
	hide = malloc(64);
}

/* An overflow of a block just below a mapping that stops after the
 * mapping's size (the tag left whole): realloc must not trust it, nor
 * free unmap by it. */
static void large_size_overwritten(void)
{
	hide = malloc(200000);
	((size_t *)hide)[-2] += 1 << 20;
	hide = realloc(hide, 300000);
}

static void free_not_ours(void)
{
	static unsigned char buf[64] __attribute__((aligned(16)));

	hide = buf + 16;
	free(hide);
}

int main(void)
{
	enum { SLOTS = 512, ROUNDS = 20000 };
	static unsigned char *slot[SLOTS];
	static size_t len[SLOTS];
	int bad = 0, misaligned = 0;
	unsigned char *p, *q;

	/* random sizes, random order, each block's bytes its own */
	for (int r = 0; r < ROUNDS; r++) {
		int i = (int)(rnd() % SLOTS);

		if (slot[i]) {
			if (!filled(slot[i], len[i], (unsigned char)i))
				bad++;
			if (rnd() % 3 == 0) {
				size_t n = rnd() % (rnd() % 8 ? 3000 : 300000);

				if (!(p = realloc(slot[i], n))) {
					bad++;
					continue;
				}
				if (!filled(p, n < len[i] ? n : len[i], (unsigned char)i))
					bad++;
				memset(p, i, n);
				slot[i] = p, len[i] = n;
				continue;
			}
			free(slot[i]);
			slot[i] = NULL;
			continue;
		}
		len[i] = rnd() % (rnd() % 8 ? 2000 : 200000);
		slot[i] = rnd() % 2 ? malloc(len[i]) : calloc(1, len[i]);
		if (!slot[i]) {
			bad++;
			continue;
		}
		if ((uintptr_t)slot[i] & 15)
			misaligned++;
		memset(slot[i], i, len[i]);
	}
	for (int i = 0; i < SLOTS; i++) {
		if (slot[i] && !filled(slot[i], len[i], (unsigned char)i))
			bad++;
		free(slot[i]);
	}
	CHECK("malloc: 20000 random allocations, reallocations and frees keep every byte", !bad);
	CHECK("malloc: every block aligned for max_align_t (16)", !misaligned);

	p = malloc(100);
	memset(p, 0xff, 100);
	free(p);
	q = calloc(1, 100);
	CHECK("calloc: a reused block comes back zeroed", q && filled(q, 100, 0));
	free(q);
	q = calloc(1, 300000);
	CHECK("calloc: a block of its own is zero", q && filled(q, 300000, 0));
	free(q);
	errno = 0;
	{
		volatile size_t half = SIZE_MAX / 2;

		CHECK("calloc: n * size overflowing is ENOMEM",
		      calloc(half, 4) == NULL && errno == ENOMEM);
	}
	p = malloc(0);
	CHECK("malloc(0): a block that can be freed", p != NULL);
	free(p);
	free(NULL);
	CHECK("free(NULL): nothing", 1);

	p = malloc(100000);
	memset(p, 7, 100000);
	p = realloc(p, 1000000);
	CHECK("realloc: a large block grows (mremap) with its bytes", p && filled(p, 100000, 7));
	free(p);

	if (ENABLED(FEATURE_OWN_MALLOC)) {
		p = malloc(1000);
		free(p);
		q = malloc(1000);
		CHECK("own malloc: a freed block is the next of its class (no page given back)", p == q);
		free(q);
		CHECK("own malloc: usable size is the class's less the header",
		      malloc_usable_size(q = malloc(1)) == 16);
		free(q);
		CHECK("own malloc: a double free aborts", aborts(double_free));
		CHECK("own malloc: a header written over aborts at free", aborts(header_overwritten));
		CHECK("own malloc: a free-list link zeroed after free aborts", aborts(link_zeroed));
		CHECK("own malloc: free of memory it never gave aborts", aborts(free_not_ours));
		CHECK("own malloc: a mapping's size written over aborts at realloc",
		      aborts(large_size_overwritten));
		p = malloc(40);
		free(p);
		q = malloc(40);
		CHECK("own malloc: a block taken from its list keeps no link (the secret, xor'd)",
		      p == q && *(volatile uintptr_t *)q == 0);
		free(q);
	}
	return UNIT_DONE();
}
