/*
 * chost.h — the host shim's libnuma part: the only C code in the package that links libnuma. Kept
 * apart from the pure CSparse mirror so that only the host reader links it. What a capture holds and
 * the bounded /proc/kcore reader live in CCapture (no libnuma), shared with the static memmap-capture.
 */
#ifndef CHOST_H
#define CHOST_H

#include "cnuma.h"

#endif /* CHOST_H */
