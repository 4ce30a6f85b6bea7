/* The system CBLAS interface (Debian libblas-dev or libopenblas-dev). Only CKernels uses it. */
#include <cblas.h>
