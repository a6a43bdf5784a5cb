/* vfprintf.c - printf's formatting without floating point.
 *
 * musl's vfprintf always links its floating-point formatter (fmt_fp and
 * the long double helpers it calls, 7 of its 10.5 KB) although boxcar
 * prints no floats: sizes and percentages are formatted with integers
 * (human.h). This vfprintf takes its place in a static musl link, so
 * every printf-family function (printf, fprintf, snprintf, dprintf, and
 * musl's own callers such as strftime and inet_ntop) formats here. It
 * follows C's rules for what they use: the flags "-+ #0", width and
 * precision (also '*'), the length modifiers hh h l ll j z t, and the
 * conversions d i u o x X c s p m %. Anything else (a e f g, n, L, wide
 * characters, positional arguments) fails with EINVAL, as musl does for
 * a format it does not know, rather than print something else.
 *
 * Output goes to the FILE through fwrite in blocks of up to 256 bytes,
 * so a line to the unbuffered stderr is still one write(2).
 * A glibc build (the fuzzers) keeps its own libc's.
 */
#include <stdio.h>

#ifndef __GLIBC__
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { LEFT = 1, PLUS = 2, SPACE = 4, ALT = 8, ZERO = 16 };

struct out {
	FILE *f;
	size_t n;          /* bytes in buf */
	long long total;   /* bytes formatted */
	int err;
	char buf[256];
};

static void flush(struct out *o)
{
	if (o->n && fwrite(o->buf, 1, o->n, o->f) != o->n)
		o->err = 1;
	o->n = 0;
}

static void put(struct out *o, const char *s, size_t n)
{
	o->total += n;
	while (n) {
		size_t k = sizeof(o->buf) - o->n;

		if (k > n)
			k = n;
		memcpy(o->buf + o->n, s, k);
		o->n += k, s += k, n -= k;
		if (o->n == sizeof(o->buf))
			flush(o);
	}
}

static void pad(struct out *o, char c, long long n)
{
	for (; n > 0; n--)
		put(o, &c, 1);
}

/* The argument of an integer conversion, by its length modifier. */
static uintmax_t arg_int(va_list *ap, int len, int is_signed)
{
	switch (len) {
	case 'H': return is_signed ? (uintmax_t)(signed char)va_arg(*ap, int)
				   : (unsigned char)va_arg(*ap, int);
	case 'h': return is_signed ? (uintmax_t)(short)va_arg(*ap, int)
				   : (unsigned short)va_arg(*ap, int);
	case 'l': return is_signed ? (uintmax_t)va_arg(*ap, long) : va_arg(*ap, unsigned long);
	case 'q': return va_arg(*ap, unsigned long long);
	case 'j': return va_arg(*ap, uintmax_t);
	case 'z': return is_signed ? (uintmax_t)va_arg(*ap, ptrdiff_t) : va_arg(*ap, size_t);
	case 't': return (uintmax_t)va_arg(*ap, ptrdiff_t);
	}
	return is_signed ? (uintmax_t)va_arg(*ap, int) : va_arg(*ap, unsigned);
}

static int number(const char **s)
{
	int v = 0;

	for (; **s >= '0' && **s <= '9'; (*s)++)
		v = v > (INT_MAX - 9) / 10 ? INT_MAX : v * 10 + (**s - '0');
	return v;
}

int vfprintf(FILE *restrict f, const char *restrict format, va_list ap_in)
{
	static const char flag_chars[] = "-+ #0";
	struct out o = { .f = f };
	const char *fmt = format;
	int saved_errno = errno;
	va_list ap;

	va_copy(ap, ap_in);
	while (*fmt) {
		char tmp[3 * sizeof(uintmax_t)], *z = tmp + sizeof(tmp), *a = z;
		const char *prefix = "", *q;
		unsigned fl = 0;
		int w = 0, p = -1, len = 0, pl = 0;
		uintmax_t v;

		if (*fmt != '%' || fmt[1] == '%') {
			size_t n = *fmt == '%' ? 1 : strcspn(fmt, "%");

			put(&o, fmt, n);
			fmt += *fmt == '%' ? 2 : n;
			continue;
		}
		for (fmt++; *fmt && (q = strchr(flag_chars, *fmt)); fmt++)
			fl |= 1u << (q - flag_chars);
		if (*fmt == '*') {
			fmt++;
			if ((w = va_arg(ap, int)) < 0)
				fl |= LEFT, w = w == INT_MIN ? INT_MAX : -w;
		} else
			w = number(&fmt);
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*')
				fmt++, p = va_arg(ap, int), p = p < 0 ? -1 : p;
			else
				p = number(&fmt);
		}
		if (*fmt == 'h' || *fmt == 'l') {
			len = *fmt++;
			if (*fmt == len) /* hh, ll */
				len = len == 'h' ? 'H' : 'q', fmt++;
		} else if (*fmt == 'j' || *fmt == 'z' || *fmt == 't')
			len = *fmt++;
		if (fl & LEFT)
			fl &= ~ZERO;
		switch (*fmt) {
		case 'd': case 'i':
			v = arg_int(&ap, len, 1);
			if ((intmax_t)v < 0)
				v = -v, prefix = "-";
			else if (fl & PLUS)
				prefix = "+";
			else if (fl & SPACE)
				prefix = " ";
			pl = *prefix != 0;
			goto digits;
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			if (p < (int)(2 * sizeof(void *)))
				p = 2 * sizeof(void *);
			fl |= ALT;
			goto digits;
		case 'o': case 'u': case 'x': case 'X':
			v = arg_int(&ap, len, 0);
		digits: {
			unsigned base = *fmt == 'o' ? 8 : *fmt == 'u' || *fmt == 'd' || *fmt == 'i' ? 10 : 16;
			const char *dig = *fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";

			for (uintmax_t u = v; u; u /= base)
				*--a = dig[u % base];
			if (v && base == 16 && (fl & ALT))
				prefix = *fmt == 'X' ? "0X" : "0x", pl = 2;
			if (base == 8 && (fl & ALT) && p < z - a + 1)
				p = z - a + 1;
			if (p >= 0)
				fl &= ~ZERO;
			if (!v && !p)
				break;
			if (p < z - a + !v)
				p = z - a + !v;
			break;
		}
		case 'c':
			*--a = (char)va_arg(ap, int);
			p = 1;
			fl &= ~ZERO;
			break;
		case 'm':
		case 's':
			a = *fmt == 'm' ? strerror(saved_errno) : va_arg(ap, char *);
			if (!a)
				a = "(null)";
			z = a + strnlen(a, p < 0 ? INT_MAX : (size_t)p);
			p = z - a;
			fl &= ~ZERO;
			break;
		default:
			flush(&o);
			va_end(ap);
			errno = EINVAL;
			return -1;
		}
		fmt++;
		if (p < z - a)
			p = z - a;
		if (w < pl + p)
			w = pl + p;
		if (!(fl & (LEFT | ZERO)))
			pad(&o, ' ', w - pl - p);
		put(&o, prefix, pl);
		if (fl & ZERO)
			pad(&o, '0', w - pl - p);
		pad(&o, '0', p - (z - a));
		put(&o, a, z - a);
		if (fl & LEFT)
			pad(&o, ' ', w - pl - p);
	}
	va_end(ap);
	flush(&o);
	if (o.err)
		return -1;
	if (o.total > INT_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return (int)o.total;
}
#endif
