/* v4_program.c compiled as C++11. The v4 SDK's headers declare their functions without
 * extern "C", so a C++ program that may use them wraps its includes, as here; ours have their
 * own extern "C" and are unaffected. */
extern "C" {
#include "v4_program.c"
}
