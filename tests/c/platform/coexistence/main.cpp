/* main.c compiled as C++11. */
#include "main.c"
