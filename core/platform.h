/* platform.h - which image of a multi-arch index fits this board.
 *
 * Names are normalised as containerd does (platforms.Normalize): armhf,
 * armel, arm32 -> arm; aarch64 -> arm64 (variant v8 dropped: it is the only
 * one); x86_64, x86-64 -> amd64; i386..i686 -> 386; "7" -> "v7".
 *
 * On arm the variant is the CPU's: /proc/cpuinfo's "CPU architecture"
 * (7 -> v7, 8 -> v8), except that ARMv6 cores (ARM11: Raspberry Pi 1 and
 * Zero) report 7 there, so a "model name" saying ARMv6 (or "v6l") wins.
 * An arm board takes the best of its variant and the older ones: v8 then
 * v7, v6, v5 (containerd's fallback order); an entry without variant
 * matches any arm board, after every exact match.
 */
#ifndef BOXCAR_PLATFORM_H
#define BOXCAR_PLATFORM_H

#include "json.h"

struct platform {
	char os[32];
	char arch[32];
	char variant[16];  /* "" when none */
};

/* This board: the build's architecture, refined from /proc/cpuinfo on
 * arm (cpuinfo may be NULL: read /proc/cpuinfo). */
void platform_host(struct platform *p, const char *cpuinfo);
/* The arm variant a /proc/cpuinfo text describes ("v7"...), or NULL. */
const char *platform_arm_variant(const char *cpuinfo);
/* "os/arch[/variant]" (--platform): 0, or -1 with err_set(). Normalised. */
int platform_parse(const char *s, struct platform *p);
/* Normalise os/arch/variant in place. */
void platform_normalize(struct platform *p);
/* "linux/arm/v7" into buf. */
void platform_format(const struct platform *p, char *buf, size_t n);

/* How well candidate c suits want: 0 = not at all, higher is better. */
int platform_score(const struct platform *want, const struct platform *c);

/* In an OCI image index / Docker manifest list, the element of its
 * "manifests" array that fits want best (attestation entries, whose
 * platform is unknown/unknown, are never chosen). Returns the node, or 0
 * with err_set() listing what the index offers. */
uint32_t platform_select(const struct json_doc *d, const struct platform *want);

#endif
