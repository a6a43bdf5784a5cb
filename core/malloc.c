// SPDX-License-Identifier: MIT
/* boxcar's allocator (FEATURE_OWN_MALLOC), in place of musl's mallocng.
 *
 * Why: boxcar is short-lived and single-threaded. mallocng gives every
 * group of a size class back to the kernel when its last slot is freed,
 * so a start that reads, parses and frees a dozen small files maps,
 * faults and unmaps a fresh page about twenty times (an mmap, a page
 * fault and a munmap: 35 us on a paravirtualized x86_64, more than the
 * rest of the parse). Here a freed block waits on its class's list and
 * the next allocation of that class takes it: pages are touched once.
 *
 * How: classes of powers of two, 32 bytes to 64 KiB, carved from 256 KiB
 * chunks that are never given back (their free blocks are reused);
 * larger blocks are mappings of their own, unmapped on free and grown by
 * mremap. Each block has a 16-byte header (alignment as max_align_t):
 * its usable size and a tag, the class and a "free" bit xor'd with a
 * secret from the kernel (AT_RANDOM); a mapping's tag holds its length
 * too, so that a size written over cannot make free unmap, or realloc
 * keep, more than was mapped. A free list's links are xor'd with the
 * secret too, and wiped when the block is taken (an uninitialised read
 * of a fresh block would show the secret). A double free, a header an
 * overflow wrote over, or a link a use-after-free wrote over is caught
 * when the block is freed or taken, and the process aborts: what
 * mallocng's checks catch, in the cheap form glibc's are.
 *
 * A glibc build (the fuzzers, with ASan's) keeps its libc's. Not
 * threaded: boxcar starts no threads; clone()d children get a copy of
 * the lot, as fork gives. */
#include "applet.h"

#if ENABLED(FEATURE_OWN_MALLOC) && !defined(__GLIBC__)
#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#define MIN_SHIFT 5                 /* 32 bytes, the smallest class */
#define NCLASS 12                   /* 32 bytes .. 64 KiB */
#define CLASS_SIZE(c) ((size_t)1 << ((c) + MIN_SHIFT))
#define LARGE NCLASS                /* a mapping of its own */
#define FREE_BIT 0x100
#define CHUNK (256 * 1024)
#define PAGE 4096

struct blk {
#if UINTPTR_MAX == 0xffffffffu
	size_t pad[2]; /* the tag right before the block on 32 bits too */
#endif
	size_t size; /* usable bytes after the header */
	size_t tag;  /* class | FREE_BIT, or a mapping's length | LARGE; ^ secret */
} __attribute__((aligned(16)));

static void *lists[NCLASS];   /* each link ^ secret */
static char *cur, *end;       /* the chunk being carved */
static size_t secret;

static void corrupt(void)
{
	static const char msg[] = "boxcar: heap corruption detected\n";

	(void)!write(2, msg, sizeof(msg) - 1);
	abort();
}

static size_t key(void)
{
	if (!secret) {
		const size_t *r = (const size_t *)getauxval(AT_RANDOM);

		/* never 0: 0 is "not yet"; the low bits set keep an
		 * all-zero header (memory never written) from passing */
		secret = (r ? r[1] : (size_t)&secret) | 0x5a5;
	}
	return secret;
}

static void *give(struct blk *b, size_t cls)
{
	b->tag = cls ^ key();
	return b + 1;
}

static void push(struct blk *b, size_t cls)
{
	b->tag = (cls | FREE_BIT) ^ key();
	*(uintptr_t *)(b + 1) = (uintptr_t)lists[cls] ^ key();
	lists[cls] = b;
}

/* A block's class (LARGE: a mapping) and free bit, from its tag. */
static size_t tag_class(const struct blk *b)
{
	return (b->tag ^ key()) & (PAGE - 1);
}

static void *own_map(size_t n)
{
	size_t len;
	struct blk *b;

	if (n > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	len = (n + sizeof(struct blk) + PAGE - 1) & ~(size_t)(PAGE - 1);
	b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	b->size = len - sizeof(struct blk);
	return give(b, len | LARGE);
}

/* The header of p, checked: in use, of a class that exists, its size
 * the class's or, for a mapping, the length its tag holds. */
static struct blk *header(void *p)
{
	struct blk *b = (struct blk *)p - 1;
	size_t t = b->tag ^ key(), cls = t & (PAGE - 1);

	if (((uintptr_t)p & 15) || cls > LARGE
	    || (cls < LARGE && (t != cls || b->size != CLASS_SIZE(cls) - sizeof(struct blk)))
	    || (cls == LARGE && (((uintptr_t)b & (PAGE - 1))
				 || t - LARGE != b->size + sizeof(struct blk))))
		corrupt();
	return b;
}

void *malloc(size_t n)
{
	size_t cls = 0, need;
	struct blk *b;

	if (n > CLASS_SIZE(NCLASS - 1) - sizeof(struct blk))
		return own_map(n);
	while (CLASS_SIZE(cls) < n + sizeof(struct blk))
		cls++;
	if ((b = lists[cls])) {
		if (((uintptr_t)b & 15) || b->tag != ((cls | FREE_BIT) ^ key()))
			corrupt();
		/* the next link: aligned or written over (a use after free;
		 * a zeroed link decodes to the secret, never aligned) */
		lists[cls] = (void *)(*(uintptr_t *)(b + 1) ^ key());
		if ((uintptr_t)lists[cls] & 15)
			corrupt();
		*(uintptr_t *)(b + 1) = 0;
		return give(b, cls);
	}
	need = CLASS_SIZE(cls);
	if ((size_t)(end - cur) < need) {
		char *m = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED) {
			errno = ENOMEM;
			return NULL;
		}
		/* the old chunk's tail, into the lists */
		for (size_t c = NCLASS; c-- > 0;)
			while ((size_t)(end - cur) >= CLASS_SIZE(c)) {
				struct blk *t = (struct blk *)cur;

				t->size = CLASS_SIZE(c) - sizeof(struct blk);
				cur += CLASS_SIZE(c);
				push(t, c);
			}
		cur = m;
		end = m + CHUNK;
	}
	b = (struct blk *)cur;
	cur += need;
	b->size = need - sizeof(struct blk);
	return give(b, cls);
}

void free(void *p)
{
	struct blk *b;
	size_t cls;

	if (!p)
		return;
	b = header(p);
	cls = tag_class(b);
	if (cls == LARGE)
		munmap(b, b->size + sizeof(struct blk));
	else
		push(b, cls);
}

void *calloc(size_t n, size_t m)
{
	void *p;

	if (m && n > SIZE_MAX / m) {
		errno = ENOMEM;
		return NULL;
	}
	/* a mapping of its own is zero already */
	if (n * m > CLASS_SIZE(NCLASS - 1) - sizeof(struct blk))
		return own_map(n * m);
	if ((p = malloc(n * m)))
		memset(p, 0, n * m);
	return p;
}

void *realloc(void *p, size_t n)
{
	struct blk *b;
	void *q;

	if (!p)
		return malloc(n);
	b = header(p);
	if (n <= b->size)
		return p;
	if (tag_class(b) == LARGE && n <= SIZE_MAX / 2) {
		size_t len = (n + sizeof(struct blk) + PAGE - 1) & ~(size_t)(PAGE - 1);
		struct blk *g = mremap(b, b->size + sizeof(struct blk), len, MREMAP_MAYMOVE);

		if (g == MAP_FAILED) {
			errno = ENOMEM;
			return NULL;
		}
		g->size = len - sizeof(struct blk);
		return give(g, len | LARGE);
	}
	if (!(q = malloc(n)))
		return NULL;
	memcpy(q, p, b->size);
	free(p);
	return q;
}

/* Alignments past max_align_t: nothing in boxcar asks for them. Defined
 * so that musl's own (over its own heap) are never linked beside ours. */
void *aligned_alloc(size_t align, size_t n)
{
	if (align > 16 || (align & (align - 1))) {
		errno = EINVAL;
		return NULL;
	}
	return malloc(n);
}

int posix_memalign(void **res, size_t align, size_t n)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	if (align > 16)
		return ENOMEM;
	if (!(p = malloc(n)))
		return ENOMEM;
	*res = p;
	return 0;
}

void *memalign(size_t align, size_t n)
{
	return aligned_alloc(align, n);
}

size_t malloc_usable_size(void *p)
{
	return p ? header(p)->size : 0;
}
#endif
