/* Unit tests for core/err.c: recorded context survives, errno is kept. */
#include <errno.h>

#include "err.h"
#include "unit.h"

int main(void)
{
	int rc;

	errno = ENOENT;
	rc = err_set("cannot open %s", "/x");
	CHECK("err_set returns -1", rc == -1);
	CHECK("err_set keeps errno", errno == ENOENT && err_errno() == ENOENT);
	CHECK_STR("err_set formats", err_msg(), "cannot open /x");

	rc = err_setn(0, "bad %d", 7);
	CHECK("err_setn sets errno", rc == -1 && errno == 0 && err_errno() == 0);
	CHECK_STR("err_setn formats", err_msg(), "bad 7");

	char big[400];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	err_set("%s", big);
	CHECK("long context is cut, not overflowed", strlen(err_msg()) == 255);
	return UNIT_DONE();
}
