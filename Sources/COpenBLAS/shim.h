#ifndef OCTO_COPENBLAS_SHIM_H
#define OCTO_COPENBLAS_SHIM_H
// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). Its cblas.h also
// declares openblas_set_num_threads / openblas_get_num_threads, which the
// MiniLM model uses to keep BLAS threads from fighting the server's processes.
#include <cblas.h>
#endif
