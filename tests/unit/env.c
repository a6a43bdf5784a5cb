/* Unit tests for core/env.c: the environment run, the init and exec
 * build, in the order `env` shows it. */
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "unit.h"

/* The vector joined with spaces, for one comparison. */
static const char *joined(char **env)
{
	static char buf[512];
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; env && env[i]; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "", env[i]);
	free(env);
	return env ? buf : "(null)";
}

int main(void)
{
	char *base[] = { "PATH=/bin", "A=1", "B=2", "A=dup", NULL };
	char *over[] = { "B=3", "C=4", "A=5", "C=6", "D" };
	char *def[] = { "PATH=/x", NULL, "HOSTNAME=h", "C=7", "TERM=xterm" };

	CHECK_STR("nothing", joined(env_merge(NULL, NULL, 0, NULL, 0)), "");
	CHECK_STR("the base as it is, duplicates too", joined(env_merge(base, NULL, 0, NULL, 0)),
		  "PATH=/bin A=1 B=2 A=dup");
	CHECK_STR("overrides in place, new KEYs appended, the last wins",
		  joined(env_merge(base, over, 4, NULL, 0)), "PATH=/bin A=5 B=3 A=dup C=6");
	CHECK_STR("no '=': all of it is the KEY", joined(env_merge(base, over + 4, 1, NULL, 0)),
		  "PATH=/bin A=1 B=2 A=dup D");
	CHECK_STR("no '=' still replaces its KEY", joined(env_merge((char *[]){ "D=0", NULL },
								  over + 4, 1, NULL, 0)), "D");
	CHECK_STR("defaults where unset, in their order, NULL skipped",
		  joined(env_merge(base, over, 4, def, 5)),
		  "PATH=/bin A=5 B=3 A=dup C=6 HOSTNAME=h TERM=xterm");
	CHECK_STR("defaults alone", joined(env_merge(NULL, NULL, 0, def, 5)),
		  "PATH=/x HOSTNAME=h C=7 TERM=xterm");
	CHECK_STR("a KEY is up to the first '='", joined(env_merge((char *[]){ "A=b=c", NULL },
								    (char *[]){ "A=x=y" }, 1, NULL, 0)),
		  "A=x=y");
	CHECK_STR("a prefix is not the KEY", joined(env_merge((char *[]){ "AB=1", NULL },
							      (char *[]){ "A=2" }, 1,
							      (char *[]){ "ABC=3" }, 1)),
		  "AB=1 A=2 ABC=3");
	return UNIT_DONE();
}
