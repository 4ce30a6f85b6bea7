/*
 * STREAM-like bandwidth loops and the sgemm probe. See vigil_machine_limits.h.
 *
 * Copy and triad use ordinary (write-allocating) stores, as STREAM does, and count bytes
 * as STREAM does: read + written, not the read-for-ownership of the destination. (Non-
 * temporal stores would let copy/triad report more than a read-only stream reaches on
 * this VM, a figure no read-mostly kernel such as logistic scoring could approach.)
 * Reads use eight independent accumulators so the loop is never latency-bound.
 */
#define _GNU_SOURCE
#include "vigil_machine_limits.h"

#include <cblas.h>
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define VML_X86 1
#else
#define VML_X86 0
#endif

/* ------------------------------------------------------------ dispatch */

static int vml_have_avx2(void) {
#if VML_X86
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    return cached;
#else
    return 0;
#endif
}

int vml_uses_avx2(void) { return vml_have_avx2(); }

/* -------------------------------------------------------------- scalar */

static float read_sum_scalar(const float *a, size_t n) {
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int j = 0; j < 8; j++) s[j] += a[i + (size_t)j];
    }
    for (; i < n; i++) s[0] += a[i];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

static void copy_scalar(float *restrict dst, const float *restrict src, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = src[i];
}

static void triad_scalar(float *restrict a, const float *restrict b, const float *restrict c,
                         float s, size_t n) {
    for (size_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}

/* ---------------------------------------------------------------- AVX2 */

#if VML_X86
__attribute__((target("avx2"))) static float read_sum_avx2(const float *a, size_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    __m256 s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    __m256 s4 = _mm256_setzero_ps(), s5 = _mm256_setzero_ps();
    __m256 s6 = _mm256_setzero_ps(), s7 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        s0 = _mm256_add_ps(s0, _mm256_loadu_ps(a + i));
        s1 = _mm256_add_ps(s1, _mm256_loadu_ps(a + i + 8));
        s2 = _mm256_add_ps(s2, _mm256_loadu_ps(a + i + 16));
        s3 = _mm256_add_ps(s3, _mm256_loadu_ps(a + i + 24));
        s4 = _mm256_add_ps(s4, _mm256_loadu_ps(a + i + 32));
        s5 = _mm256_add_ps(s5, _mm256_loadu_ps(a + i + 40));
        s6 = _mm256_add_ps(s6, _mm256_loadu_ps(a + i + 48));
        s7 = _mm256_add_ps(s7, _mm256_loadu_ps(a + i + 56));
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)),
                             _mm256_add_ps(_mm256_add_ps(s4, s5), _mm256_add_ps(s6, s7)));
    float lanes[8];
    _mm256_storeu_ps(lanes, s);
    float total = 0;
    for (int j = 0; j < 8; j++) total += lanes[j];
    return total + read_sum_scalar(a + i, n - i);
}

/* Scalar head until dst is 32-byte aligned (aligned stores need it). */
static size_t head_to_align32(const float *dst, size_t n) {
    size_t mis = ((uintptr_t)dst & 31u) / sizeof(float);
    size_t head = mis == 0 ? 0 : 8 - mis;
    return head < n ? head : n;
}

__attribute__((target("avx2"))) static void copy_avx2(float *restrict dst,
                                                       const float *restrict src, size_t n) {
    size_t i = head_to_align32(dst, n);
    copy_scalar(dst, src, i);
    for (; i + 32 <= n; i += 32) {
        __m256 a0 = _mm256_loadu_ps(src + i), a1 = _mm256_loadu_ps(src + i + 8);
        __m256 a2 = _mm256_loadu_ps(src + i + 16), a3 = _mm256_loadu_ps(src + i + 24);
        _mm256_store_ps(dst + i, a0);
        _mm256_store_ps(dst + i + 8, a1);
        _mm256_store_ps(dst + i + 16, a2);
        _mm256_store_ps(dst + i + 24, a3);
    }
    copy_scalar(dst + i, src + i, n - i);
}

__attribute__((target("avx2,fma"))) static void triad_avx2(float *restrict a,
                                                            const float *restrict b,
                                                            const float *restrict c, float s,
                                                            size_t n) {
    size_t i = head_to_align32(a, n);
    triad_scalar(a, b, c, s, i);
    const __m256 vs = _mm256_set1_ps(s);
    for (; i + 32 <= n; i += 32) {
        __m256 r0 = _mm256_fmadd_ps(vs, _mm256_loadu_ps(c + i), _mm256_loadu_ps(b + i));
        __m256 r1 = _mm256_fmadd_ps(vs, _mm256_loadu_ps(c + i + 8), _mm256_loadu_ps(b + i + 8));
        __m256 r2 =
            _mm256_fmadd_ps(vs, _mm256_loadu_ps(c + i + 16), _mm256_loadu_ps(b + i + 16));
        __m256 r3 =
            _mm256_fmadd_ps(vs, _mm256_loadu_ps(c + i + 24), _mm256_loadu_ps(b + i + 24));
        _mm256_store_ps(a + i, r0);
        _mm256_store_ps(a + i + 8, r1);
        _mm256_store_ps(a + i + 16, r2);
        _mm256_store_ps(a + i + 24, r3);
    }
    triad_scalar(a + i, b + i, c + i, s, n - i);
}
#endif

/* ---------------------------------------------------------------- public */

float vml_read_sum(const float *a, size_t n) {
#if VML_X86
    if (vml_have_avx2()) return read_sum_avx2(a, n);
#endif
    return read_sum_scalar(a, n);
}

void vml_copy(float *dst, const float *src, size_t n) {
#if VML_X86
    if (vml_have_avx2()) {
        copy_avx2(dst, src, n);
        return;
    }
#endif
    copy_scalar(dst, src, n);
}

void vml_triad(float *a, const float *b, const float *c, float s, size_t n) {
#if VML_X86
    if (vml_have_avx2()) {
        triad_avx2(a, b, c, s, n);
        return;
    }
#endif
    triad_scalar(a, b, c, s, n);
}

void vml_fill(float *a, size_t n, float value) {
    for (size_t i = 0; i < n; i++) a[i] = value;
}

/* ------------------------------------------------------------------ BLAS */

void vml_sgemm(const float *a, const float *b, float *c, int m, int n, int k) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f,
                c, n);
}

typedef void (*vml_set_threads_fn)(int);
typedef int (*vml_get_threads_fn)(void);
typedef char *(*vml_corename_fn)(void);

/* dlsym's object pointer copied into a function pointer: the POSIX-sanctioned form that
 * stays clean under -Wpedantic too. NULL when the library lacks the symbol (netlib). */
#define VML_LOOKUP(type, var, name)                 \
    type var = NULL;                                \
    do {                                            \
        void *p_ = dlsym(RTLD_DEFAULT, name);       \
        if (p_ != NULL) memcpy(&var, &p_, sizeof var); \
    } while (0)

int vml_blas_set_threads(int threads) {
    VML_LOOKUP(vml_set_threads_fn, f, "openblas_set_num_threads");
    if (f == NULL) return 0;
    f(threads);
    return 1;
}

int vml_blas_threads(void) {
    VML_LOOKUP(vml_get_threads_fn, f, "openblas_get_num_threads");
    return f == NULL ? 1 : f();
}

const char *vml_blas_core(void) {
    VML_LOOKUP(vml_corename_fn, f, "openblas_get_corename");
    return f == NULL ? "netlib" : f();
}
