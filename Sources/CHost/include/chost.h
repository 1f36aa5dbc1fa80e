/*
 * chost.h — the host shim: the only C code in the package that asks the running host anything
 * (libnuma; the bounded /proc/kcore reader). Kept apart from the pure CSparse mirror so that only the
 * host reader links it.
 */
#ifndef CHOST_H
#define CHOST_H

#include "cnuma.h"
#include "ckcore.h"

#endif /* CHOST_H */
