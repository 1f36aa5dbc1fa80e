/* CSparse: every kernel mirror is a static inline function in include/csparse.h (an umbrella over the cs_*.h topic headers), so Swift and the C
 * tests inline them; this file makes the target a library and checks the header compiles on its own. */
#include "csparse.h"
