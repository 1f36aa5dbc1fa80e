/*
 * chost.h — the host shim: the only C code in the package that asks the running host anything
 * (libnuma today). Kept apart from the pure CSparse mirror so that only the host reader links it.
 */
#ifndef CHOST_H
#define CHOST_H

#include "cnuma.h"

#endif /* CHOST_H */
