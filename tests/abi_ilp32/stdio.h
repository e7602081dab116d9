/* What the public headers need of <stdio.h>, for compiling them for another target without its
 * C library (abi_ilp32.sh). */
typedef struct psy_abi_check_file FILE;
