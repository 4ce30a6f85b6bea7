/*
 * vigil_machine_limits.h — probes of the two machine limits Vigil's benchmarks are
 * judged against: memory bandwidth (STREAM-like read / copy / triad) and sgemm peak
 * (cblas_sgemm through the system BLAS).
 *
 * Every function is single-threaded; the Swift side runs one call per thread, each on
 * its own contiguous slice, and times the whole. Byte counts follow STREAM: bytes read
 * plus bytes written, no write-allocate traffic counted.
 */
#ifndef VIGIL_MACHINE_LIMITS_H
#define VIGIL_MACHINE_LIMITS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Sum of a[0..n): reads 4n bytes. The result only keeps the loads alive. */
float vml_read_sum(const float *a, size_t n);

/** dst[i] = src[i] for i in [0, n): reads 4n, writes 4n bytes. No aliasing. */
void vml_copy(float *dst, const float *src, size_t n);

/** a[i] = b[i] + s * c[i] for i in [0, n): reads 8n, writes 4n bytes. No aliasing. */
void vml_triad(float *a, const float *b, const float *c, float s, size_t n);

/** Writes value to every element (used to pre-touch and fill buffers). */
void vml_fill(float *a, size_t n, float value);

/** Whether the AVX2 loops are in use (1) or the scalar fallbacks (0). */
int vml_uses_avx2(void);

/**
 * C = A * B, row-major, A: m x k, B: k x n, C: m x n, via cblas_sgemm with plain int
 * sizes (netlib's and OpenBLAS's cblas.h both accept int).
 */
void vml_sgemm(const float *a, const float *b, float *c, int m, int n, int k);

/**
 * Asks the BLAS for `threads` threads through openblas_set_num_threads, looked up with
 * dlsym because netlib BLAS has no such symbol. Returns 1 if the library has the
 * control, 0 otherwise.
 */
int vml_blas_set_threads(int threads);

/** openblas_get_num_threads() if the library has it, else 1. */
int vml_blas_threads(void);

/** openblas_get_corename() if the library has it (e.g. "Haswell"), else "netlib". */
const char *vml_blas_core(void);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_MACHINE_LIMITS_H */
