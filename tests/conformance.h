/* Where BuildKit's parser test data lives (../shared/conformance/buildkit,
 * or $ED_CONFORMANCE_DIR). */
#ifndef ENVDOCTOR_TESTS_CONFORMANCE_H
#define ENVDOCTOR_TESTS_CONFORMANCE_H

#include <stdlib.h>
#include <sys/stat.h>

static inline const char *conformance_dir(void)
{
    const char *dir = getenv("ED_CONFORMANCE_DIR");
    if (!dir || !*dir)
        dir = "../shared/conformance/buildkit";
    struct stat st;
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? dir : NULL;
}

#endif
