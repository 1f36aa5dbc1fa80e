/* untar TAR DIR: ccap_tar_extract as a program, for scripts/sanitize-c.sh's collector round trip. */
#include "ccapture.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    char err[1024];
    if (argc != 3) {
        fprintf(stderr, "usage: untar TAR DIR\n");
        return 2;
    }
    if (ccap_tar_extract(argv[1], argv[2], err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    return 0;
}
