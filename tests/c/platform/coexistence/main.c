/* Runs the checks of the three v4_program.c translation units; exit 0 if none failed. */
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif
int demo_order_checks( void );
int jobs_first_checks( void );
int types_first_checks( void );
#ifdef __cplusplus
}
#endif

int main( void )
{
    int failures = demo_order_checks() + jobs_first_checks() + types_first_checks();

    printf( "%d failed checks\n", failures );
    return failures == 0 ? 0 : 1;
}
