/* rematch.h - the part of Go's regular expressions (RE2 syntax) that
 * users give `ps --filter name=`: literals, ".", "[...]" and "[^...]"
 * classes with ranges, \d \w \s (and their capitals) and escaped
 * punctuation, the "*" "+" "?" quantifiers, "^" and "$" anchors and "|"
 * between whole alternatives. Groups, counted repeats and flags are
 * refused, not misread. Unanchored, as Go's MatchString.
 *
 * A backtracking matcher over the pattern, whose depth is the pattern's
 * length (the user's own argument, not outside input); musl's regcomp
 * would cost some 57 KB of a static binary for the same. */
#ifndef BOXCAR_REMATCH_H
#define BOXCAR_REMATCH_H

/* Is pat a pattern this matcher reads? 0, or -1 with err_set (errno 0)
 * saying what is not supported. */
int rematch_check(const char *pat);
/* Does s contain a match of pat (checked)? 1 or 0. */
int rematch(const char *pat, const char *s);

#endif
