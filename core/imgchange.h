/* imgchange.h - `commit --change 'INSTRUCTION ARGS'`: the Dockerfile
 * instructions docker commit takes, parsed as Docker's builder parses
 * them (what it does with each is the applet's: applets/commit.c):
 *
 *   CMD, ENTRYPOINT   JSON form ["a", "b"] (an array of strings), else
 *                     the shell form: ["/bin/sh", "-c", "ARGS"]
 *   ENV, LABEL        KEY=VALUE... (words split as a shell would, quotes
 *                     and backslashes removed; no $VAR expansion), or the
 *                     legacy KEY VALUE (the rest of the line)
 *   EXPOSE            PORT[/tcp|udp|sctp]... (a range N-M too), kept as
 *                     "N/proto"
 *   USER, WORKDIR, STOPSIGNAL  the rest of the line
 *   VOLUME            JSON form ["/a", "/b"], else words: paths (checked
 *                     when a container is made: run's image volumes)
 *
 * Instructions are case-insensitive. HEALTHCHECK and ONBUILD, which
 * Docker takes too, are refused as not supported; anything else as
 * "X is not a valid change command" (Docker's words). Errors follow err.h.
 */
#ifndef BOXCAR_IMGCHANGE_H
#define BOXCAR_IMGCHANGE_H

enum imgchange_kind {
	CHANGE_CMD, CHANGE_ENTRYPOINT, CHANGE_ENV, CHANGE_LABEL, CHANGE_EXPOSE,
	CHANGE_USER, CHANGE_WORKDIR, CHANGE_STOPSIGNAL, CHANGE_VOLUME,
};

#define IMGCHANGE_MAX 65536 /* longest line taken */

struct imgchange {
	enum imgchange_kind kind;
	char **args; /* NULL-terminated; ENV/LABEL: "KEY=VALUE" each */
	int n;
};

int imgchange_parse(const char *line, struct imgchange *ch);
void imgchange_free(struct imgchange *ch);

#endif
