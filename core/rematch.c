/* rematch.c - a small regular expression matcher (rematch.h), after
 * Kernighan and Pike's: one atom, its quantifier, then the rest. */
#include <string.h>

#include "err.h"
#include "rematch.h"

/* Length of the atom at p ("." "x" "\x" "[...]"), 0 if malformed. */
static size_t atom_len(const char *p)
{
	const char *q = p + 1;

	if (*p == '\\')
		return p[1] ? 2 : 0;
	if (*p != '[')
		return 1;
	if (*q == '^')
		q++;
	if (*q == ']')
		q++;
	for (; *q && *q != ']'; q++)
		if (*q == '\\' && !*++q)
			return 0;
	return *q ? (size_t)(q - p + 1) : 0;
}

static int in_class(char e, unsigned char c)
{
	int r;

	switch (e | 0x20) {
	case 'd': r = c >= '0' && c <= '9'; break;
	case 'w': r = (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; r |= c == '_' || (c >= '0' && c <= '9'); break;
	case 's': r = c == ' ' || (c >= '\t' && c <= '\r'); break;
	default: return c == (unsigned char)e;
	}
	return e & 0x20 ? r : !r; /* \D \W \S: the complement */
}

static int atom_match(const char *a, size_t n, unsigned char c)
{
	const char *p = a + 1, *end = a + n - 1;
	int neg, hit = 0;

	if (!c)
		return 0;
	if (*a == '.')
		return c != '\n';
	if (*a == '\\')
		return in_class(a[1], c);
	if (*a != '[')
		return c == (unsigned char)*a;
	if ((neg = *p == '^'))
		p++;
	for (int first = 1; p < end; first = 0) {
		unsigned char lo = *p, hi;

		if (lo == '\\') {
			if ((p[1] | 0x20) == 'd' || (p[1] | 0x20) == 'w' || (p[1] | 0x20) == 's') {
				hit |= in_class(p[1], c);
				p += 2;
				continue;
			}
			lo = *++p;
		} else if (lo == ']' && !first) {
			break;
		}
		hi = lo;
		if (p[1] == '-' && p + 2 < end) {
			hi = p[2];
			if (hi == '\\')
				hi = p[3], p++;
			p += 2;
		}
		hit |= c >= lo && c <= hi;
		p++;
	}
	return hit != neg;
}

static int match_here(const char *re, const char *s);

/* atom a (n bytes) repeated min.. times, greedy, then re */
static int match_repeat(const char *a, size_t n, int min, int max, const char *re, const char *s)
{
	int k = 0;

	while ((max < 0 || k < max) && atom_match(a, n, s[k]))
		k++;
	for (; k >= min; k--)
		if (match_here(re, s + k))
			return 1;
	return 0;
}

static int match_here(const char *re, const char *s)
{
	size_t n;

	if (!*re || *re == '|')
		return 1;
	if (*re == '$' && (!re[1] || re[1] == '|'))
		return !*s;
	n = atom_len(re);
	switch (re[n]) {
	case '*': return match_repeat(re, n, 0, -1, re + n + 1, s);
	case '+': return match_repeat(re, n, 1, -1, re + n + 1, s);
	case '?': return match_repeat(re, n, 0, 1, re + n + 1, s);
	}
	return atom_match(re, n, *s) && match_here(re + n, s + 1);
}

int rematch_check(const char *pat)
{
	for (const char *p = pat; *p;) {
		size_t n;

		if (*p == '|' || (*p == '^' && (p == pat || p[-1] == '|'))
		    || (*p == '$' && (!p[1] || p[1] == '|'))) {
			p++;
			continue;
		}
		if (strchr("()^$", *p))
			return err_setn(0, "error parsing regexp: groups and inner anchors are not "
					"supported: `%s`", pat);
		if (strchr("*+?", *p))
			return err_setn(0, "error parsing regexp: missing argument to repetition "
					"operator: `%s`", pat);
		if (!(n = atom_len(p)))
			return err_setn(0, "error parsing regexp: unterminated `%s`", pat);
		p += n;
		if (*p && strchr("*+?", *p) && *++p && strchr("*+?", *p))
			return err_setn(0, "error parsing regexp: invalid nested repetition "
					"operator: `%s`", pat);
	}
	return 0;
}

/* The alternative after the one at p (walked atom by atom: a '|' in a
 * class or escaped is none), or NULL. */
static const char *next_alt(const char *p)
{
	while (*p && *p != '|')
		p += strchr("*+?^$", *p) ? 1 : atom_len(p);
	return *p ? p + 1 : NULL;
}

int rematch(const char *pat, const char *s)
{
	for (const char *alt = pat; alt; alt = next_alt(alt)) {
		const char *t = s;

		if (*alt == '^') {
			if (match_here(alt + 1, s))
				return 1;
			continue;
		}
		do {
			if (match_here(alt, t))
				return 1;
		} while (*t++);
	}
	return 0;
}
