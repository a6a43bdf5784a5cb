/* ref.h - image references NAME[:TAG], checked like Docker's reference
 * grammar (distribution/reference) so a name that works here also works
 * with a registry later:
 *
 *   name      := [domain '/'] component ('/' component)*
 *   domain    := (label ('.' label)* | '[' [0-9A-Fa-f:]+ ']') [':' port]
 *                (first part only, when it has a '.' or ':' or is
 *                "localhost"; the bracketed form is an IPv6 address)
 *   component := [a-z0-9]+ (('.' | '_' | '__' | '-'+) [a-z0-9]+)*
 *   tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}   (default "latest")
 *
 * Digest references (NAME@sha256:...) and docker.io normalisation come
 * with pull.
 */
#ifndef BOXCAR_REF_H
#define BOXCAR_REF_H

#define REF_NAME_MAX 255
#define REF_TAG_MAX 128

struct ref {
	char name[REF_NAME_MAX + 1];
	char tag[REF_TAG_MAX + 1];
	char full[REF_NAME_MAX + REF_TAG_MAX + 2]; /* "name:tag" */
};

/* 0, or -1 with err_set() naming what is wrong. */
int ref_parse(const char *s, struct ref *r);

#endif
