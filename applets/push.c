/* push.c - send an image to a registry (docs/push.md). */
//applet:push
//summary:send an image to a registry
//config:config APPLET_PUSH
//config:	bool "push"
//config:	default y
//config:	depends on APPLET_PULL
//config:	help
//config:	  Push images to OCI/Docker registries (HTTPS with
//config:	  FEATURE_TLS), layers as LZ4 or recompressed to gzip.
//config:
//config:config PUSH_GZIP
//config:	bool "push --compress gzip"
//config:	default y
//config:	depends on APPLET_PUSH && FEATURE_GZIP
//config:	help
//config:	  Recompress layers to gzip while pushing, for registries
//config:	  and clients that take no LZ4 (docker). Links zlib's
//config:	  deflate: about 20 KB.
//usage:[OPTIONS] NAME[:TAG]
//usage:Send the image NAME[:TAG] (tag latest by default) to the registry its
//usage:name starts with (Docker Hub if none), as docker push does: blobs the
//usage:registry has are skipped, blobs of the repository the image was
//usage:pulled from are mounted, others uploaded (in chunks when big), then
//usage:the manifest. Prints the pushed manifest's digest.
//usage:
//usage:  --root DIR          store directory (default $BOXCAR_ROOT or the built-in one)
//usage:  --compress lz4|gzip layers as stored (LZ4: only boxcar pulls them), or
//usage:                      recompressed to gzip for docker and other clients
//usage:  --creds USER:PASS   log in with these
//usage:  --authfile FILE     Docker config.json with "auths" (default $BOXCAR_AUTH,
//usage:                      else /etc/boxcar/auth.json; must be mode 0600)
//usage:  --ca FILE           PEM CA bundle for HTTPS (default $SSL_CERT_FILE or the system's)
//usage:  --insecure          plain HTTP to the registry (prints a warning)
//usage:  --insecure-realm    also send the credentials over plain HTTP to a token
//usage:                      realm on another host or port than the registry
//usage:  -q, --quiet         print only the manifest digest

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "credentials.h"
#include "err.h"
#include "human.h"
#include "imgref.h"
#include "push.h"
#include "ref.h"
#include "registry.h"

struct progress {
	int quiet, tty, open_line;
	struct timespec last;
};

static void end_line(struct progress *p)
{
	if (p->open_line)
		fputc('\n', stdout);
	p->open_line = 0;
}

static void on_status(void *arg, const char *id, const char *what)
{
	struct progress *p = arg;

	/* "Pushing" and "Compressing" only as the start of a progress line */
	if (p->quiet || (!p->tty && (!strcmp(what, "Pushing") || !strcmp(what, "Compressing"))))
		return;
	end_line(p);
	if (!strcmp(what, "Pushing") || !strcmp(what, "Compressing")) {
		printf("%.12s: %s", id + 7, what);
		p->open_line = 1;
	} else
		printf("%.12s: %s\n", id + 7, what);
	fflush(stdout);
}

static void on_bytes(void *arg, const char *id, int64_t done, int64_t total)
{
	struct progress *p = arg;
	struct timespec now;
	char d[32], t[32];

	if (p->quiet || !p->tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done < total && now.tv_sec == p->last.tv_sec &&
	    now.tv_nsec - p->last.tv_nsec < 200000000L)
		return;
	p->last = now;
	human_size(d, sizeof(d), done);
	human_size(t, sizeof(t), total);
	printf("\r%.12s: Pushing %s/%s\033[K", id + 7, d, t);
	p->open_line = 1;
	fflush(stdout);
}

int push_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, 0, 'R' },
		{ "compress", required_argument, 0, 'z' },
		{ "creds", required_argument, 0, 'c' },
		{ "authfile", required_argument, 0, 'a' },
		{ "ca", required_argument, 0, 'C' },
		{ "insecure", no_argument, 0, 'k' },
		{ "insecure-realm", no_argument, 0, 'K' },
		{ "quiet", no_argument, 0, 'q' },
		{ 0 }
	};
	const char *root = NULL, *creds = NULL, *authfile = NULL, *ca = NULL, *env;
	char local[REF_NAME_MAX + REF_TAG_MAX + 2];
	struct progress prog = { 0 };
	struct pull_progress pp = { on_status, on_bytes, &prog };
	struct push_opts po = { .progress = &pp };
	struct registry_opts ro = { 0 };
	struct push_result res;
	struct credentials cr;
	struct registry reg;
	struct imgref ir;
	int opt, have_creds = 0, rc;

	while ((opt = applet_getopt(argc, argv, "q", opts)) != -1) {
		switch (opt) {
		case 'R': root = optarg; break;
		case 'z':
			if (!strcmp(optarg, "gzip"))
				po.gzip = 1;
			else if (strcmp(optarg, "lz4"))
				die_usage("--compress %s: lz4 or gzip", optarg);
			break;
		case 'c': creds = optarg; break;
		case 'a': authfile = optarg; break;
		case 'C': ca = optarg; break;
		case 'k': ro.insecure = 1; break;
		case 'K': ro.insecure_realm = 1; break;
		case 'q': prog.quiet = 1; break;
		default: die_usage("unknown option");
		}
	}
	if (argc - optind != 1)
		die_usage("need one NAME[:TAG]");
	if (po.gzip && !ENABLED(PUSH_GZIP))
		diex(EXIT_FAIL, "--compress gzip is not built into this boxcar (PUSH_GZIP)");
	if (imgref_parse(argv[optind], &ir))
		die_err(EXIT_FAIL);
	if (ir.digest[0])
		diex(EXIT_FAIL, "%s: push takes a tag, not a digest", argv[optind]);
	if (imgref_local_name(&ir, local, sizeof(local) - REF_TAG_MAX - 1))
		die_err(EXIT_FAIL);
	strcat(local, ":");
	strcat(local, ir.tag);
	prog.tty = isatty(1);
	/* bytes per PATCH: the tests make it small to see chunks */
	if ((env = getenv("BOXCAR_PUSH_CHUNK")) && atoll(env) > 0)
		po.chunk = atoll(env);
	ro.ca_file = ca;
	ro.root = store_root(root);
	ro.push = 1;
	if (creds) {
		if (credentials_parse(creds, &cr))
			die_err(EXIT_FAIL);
		have_creds = 1;
	} else {
		int explicit_path;
		const char *path = credentials_path(authfile, &explicit_path);

		if ((have_creds = credentials_lookup(path, explicit_path, ir.domain, &cr)) < 0)
			die_err(EXIT_FAIL);
	}
	ro.creds = have_creds ? &cr : NULL;
	if (ro.insecure)
		warnx("WARNING: --insecure: plain HTTP to %s: anyone on the network can "
		      "read and change what is pushed", ir.host);
	if (!prog.quiet)
		printf("The push refers to repository [%.*s]\n",
		       (int)(strlen(local) - strlen(ir.tag) - 1), local);
	fflush(stdout);
	if (registry_open(&reg, &ir, &ro)) {
		if (have_creds)
			credentials_clear(&cr);
		die_err(EXIT_FAIL);
	}
	rc = push_image(ro.root, local, &reg, ir.tag, &po, &res);
	end_line(&prog);
	registry_close(&reg);
	if (have_creds)
		credentials_clear(&cr);
	if (rc)
		die_err(EXIT_FAIL);
	if (prog.quiet)
		puts(res.digest);
	else
		printf("%s: digest: %s size: %lld\n", ir.tag, res.digest, (long long)res.size);
	return EXIT_OK;
}
