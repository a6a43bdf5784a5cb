/* pull.c - fetch an image from a registry, an OCI layout or a docker
 * save archive (docs/pull.md). */
//applet:pull
//summary:fetch an image from a registry
//config:config APPLET_PULL
//config:	bool "pull"
//config:	default y
//config:	help
//config:	  Pull images from OCI/Docker registries (HTTPS with
//config:	  FEATURE_TLS), OCI image layouts and docker save archives.
//usage:[OPTIONS] SOURCE [NAME[:TAG]]
//usage:Fetch an image and keep it in the store as NAME[:TAG] (by default the
//usage:name SOURCE gives). SOURCE is one of
//usage:  [REGISTRY[:PORT]/]REPO[:TAG][@sha256:DIGEST]   (Docker Hub by default)
//usage:  oci:DIR[:TAG]            an OCI image layout
//usage:  docker-archive:FILE      a `docker save` tarball
//usage:Prints the digest the reference resolved to, as docker pull does.
//usage:
//usage:  --root DIR          store directory (default $BOXCAR_ROOT or the built-in one)
//usage:  --platform OS/ARCH[/VARIANT]  which image of a multi-arch index (default: this board)
//usage:  --creds USER:PASS   log in with these
//usage:  --authfile FILE     Docker config.json with "auths" (default $BOXCAR_AUTH,
//usage:                      else /etc/boxcar/auth.json; must be mode 0600)
//usage:  --ca FILE           PEM CA bundle for HTTPS (default $SSL_CERT_FILE or the system's)
//usage:  --insecure          plain HTTP to the registry (prints a warning)
//usage:  --insecure-realm    also send the credentials over plain HTTP to a token
//usage:                      realm on another host or port than the registry
//usage:  -q, --quiet         print only the image name

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "credentials.h"
#include "err.h"
#include "human.h"
#include "imgref.h"
#include "oci_layout.h"
#include "platform.h"
#include "pull.h"
#include "ref.h"
#include "registry.h"

struct progress {
	int quiet, tty;
	char id[DIGEST_STR_LEN + 1];
	struct timespec start, last;
	int64_t first;       /* bytes there when this download started (resume) */
	int open_line;       /* a \r line is on screen */
};

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

static void end_line(struct progress *p)
{
	if (p->open_line)
		fputc('\n', stdout);
	p->open_line = 0;
}

static void on_status(void *arg, const char *id, const char *what)
{
	struct progress *p = arg;

	if (p->quiet)
		return;
	end_line(p);
	printf("%.12s: %s\n", id + 7, what);
	fflush(stdout);
}

static void on_bytes(void *arg, const char *id, int64_t done, int64_t total)
{
	struct progress *p = arg;
	char d[32], t[32], r[32], eta[48] = "";
	double secs, rate;

	if (p->quiet || !p->tty)
		return;
	if (strcmp(p->id, id)) {
		snprintf(p->id, sizeof(p->id), "%s", id);
		clock_gettime(CLOCK_MONOTONIC, &p->start);
		p->last.tv_sec = 0;
		p->first = done;
	}
	if (done < total && p->last.tv_sec && since(&p->last) < 0.2)
		return;
	clock_gettime(CLOCK_MONOTONIC, &p->last);
	secs = since(&p->start);
	rate = secs > 0 ? (done - p->first) / secs : 0;
	human_size(d, sizeof(d), done);
	human_size(t, sizeof(t), total);
	human_size(r, sizeof(r), (int64_t)rate);
	if (rate > 0 && done < total) {
		char dur[32];

		human_duration(dur, sizeof(dur), (long long)((total - done) / rate) + 1);
		snprintf(eta, sizeof(eta), "  %s left", dur);
	}
	printf("\r%.12s: Downloading %s/%s  %s/s%s\033[K", id + 7, d, t, r, eta);
	p->open_line = 1;
	fflush(stdout);
}

/* The local name for a registry reference: NAME:TAG, or NAME:sha256-HEX
 * for a pull by digest alone (a tag is what makes an image listed). */
static void registry_local_name(const struct imgref *r, char *buf, size_t n)
{
	char name[REF_NAME_MAX + 1];

	if (imgref_local_name(r, name, sizeof(name)))
		die_err(EXIT_FAIL);
	if (r->tag[0])
		snprintf(buf, n, "%s:%s", name, r->tag);
	else
		snprintf(buf, n, "%s:sha256-%.12s", name, r->digest + 7);
}

int pull_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, 0, 'R' },
		{ "platform", required_argument, 0, 'p' },
		{ "creds", required_argument, 0, 'c' },
		{ "authfile", required_argument, 0, 'a' },
		{ "ca", required_argument, 0, 'C' },
		{ "insecure", no_argument, 0, 'k' },
		{ "insecure-realm", no_argument, 0, 'K' },
		{ "quiet", no_argument, 0, 'q' },
		{ 0 }
	};
	const char *root = NULL, *platform = NULL, *creds = NULL, *authfile = NULL, *ca = NULL;
	const char *src_arg, *reference;
	char local[REF_NAME_MAX + REF_TAG_MAX + 2];
	struct progress prog = { 0 };
	struct pull_progress pp = { on_status, on_bytes, &prog };
	struct pull_opts po = { .progress = &pp };
	struct pull_result res;
	struct credentials cr;
	struct local_source ls;
	struct registry reg;
	struct pull_source *src;
	struct imgref ir;
	struct ref lr;
	int insecure = 0, insecure_realm = 0, opt, have_creds = 0, is_registry = 0, rc;

	while ((opt = applet_getopt(argc, argv, "q", opts)) != -1) {
		switch (opt) {
		case 'R': root = optarg; break;
		case 'p': platform = optarg; break;
		case 'c': creds = optarg; break;
		case 'a': authfile = optarg; break;
		case 'C': ca = optarg; break;
		case 'k': insecure = 1; break;
		case 'K': insecure_realm = 1; break;
		case 'q': prog.quiet = 1; break;
		default: die_usage("unknown option");
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		die_usage("need SOURCE and at most one NAME[:TAG]");
	src_arg = argv[optind];
	prog.tty = isatty(1);
	po.root = store_root(root);
	if (platform ? platform_parse(platform, &po.platform) : (platform_host(&po.platform, NULL), 0))
		die_err(EXIT_FAIL);

	if (!strncmp(src_arg, "oci:", 4)) {
		if (oci_layout_open(&ls, src_arg + 4))
			die_err(EXIT_FAIL);
		reference = ls.tag;
		if (argc - optind < 2) {
			const char *base = strrchr(ls.path, '/');

			base = base && base[1] ? base + 1 : ls.path;
			if (strlen(base) > REF_NAME_MAX)
				diex(EXIT_FAIL, "%s: name the image (NAME[:TAG])", src_arg);
			snprintf(local, sizeof(local), "%.*s:%s", REF_NAME_MAX, base,
				 ls.tag[0] ? ls.tag : "latest");
		}
		src = &ls.src;
	} else if (!strncmp(src_arg, "docker-archive:", 15)) {
		if (docker_archive_open(&ls, src_arg + 15, NULL))
			die_err(EXIT_FAIL);
		reference = "";
		if (argc - optind < 2) {
			if (!ls.repo_tag[0])
				diex(EXIT_FAIL, "%s has no RepoTags: name the image (NAME[:TAG])",
				     src_arg);
			/* skopeo writes docker.io/library/...: keep docker's short form */
			if (imgref_parse(ls.repo_tag, &ir))
				die_err(EXIT_FAIL);
			registry_local_name(&ir, local, sizeof(local));
		}
		src = &ls.src;
	} else {
		struct registry_opts ro = { .ca_file = ca, .insecure = insecure,
					    .insecure_realm = insecure_realm, .root = po.root };

		if (imgref_parse(src_arg, &ir))
			die_err(EXIT_FAIL);
		is_registry = 1;
		registry_local_name(&ir, local, sizeof(local));
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
		if (insecure)
			warnx("WARNING: --insecure: plain HTTP to %s: anyone on the network can "
			      "read and change what is pulled", ir.host);
		if (!prog.quiet)
			printf("%s: Pulling from %s\n", ir.tag[0] ? ir.tag : ir.digest, ir.path);
		fflush(stdout);
		if (registry_open(&reg, &ir, &ro))
			die_err(EXIT_FAIL);
		reference = imgref_reference(&ir);
		src = &reg.src;
	}
	if (argc - optind == 2)
		snprintf(local, sizeof(local), "%s", argv[optind + 1]);
	if (ref_parse(local, &lr))
		die_err(EXIT_FAIL);

	rc = pull_image(src, reference, lr.full, &po, &res);
	end_line(&prog);
	if (is_registry)
		registry_close(&reg);
	else
		local_source_close(&ls);
	if (have_creds)
		credentials_clear(&cr);
	if (rc)
		die_err(EXIT_FAIL);
	if (prog.quiet) {
		puts(lr.full);
		return EXIT_OK;
	}
	printf("Digest: %s\n", res.digest);
	printf("Status: %s for %s\n", res.up_to_date ? "Image is up to date"
						      : "Downloaded newer image", lr.full);
	return EXIT_OK;
}
