/* Unit tests for core/signame.c: the names kill -s and --stop-signal take. */
#include <signal.h>

#include "signame.h"
#include "unit.h"

int main(void)
{
	CHECK("TERM", sig_from_name("TERM") == SIGTERM);
	CHECK("SIGKILL", sig_from_name("SIGKILL") == SIGKILL);
	CHECK("lower case", sig_from_name("sigusr1") == SIGUSR1);
	CHECK("number", sig_from_name("15") == SIGTERM);
	CHECK("RTMIN+2", sig_from_name("RTMIN+2") == SIGRTMIN + 2);
	CHECK("unknown name", sig_from_name("NOPE") < 0);
	CHECK("0 is not a signal", sig_from_name("0") < 0);
	CHECK("too big", sig_from_name("999") < 0);
	CHECK("trailing junk", sig_from_name("9x") < 0);
	CHECK_STR("name of 15", sig_name(SIGTERM), "SIGTERM");
	CHECK_STR("name of 6 is ABRT, not IOT", sig_name(SIGABRT), "SIGABRT");
	CHECK_STR("a number without a name", sig_name(40), "SIG40");
	return UNIT_DONE();
}
