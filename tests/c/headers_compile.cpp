/* headers_compile.c, compiled as C++11. */
#include "headers_compile.c"
