/*
 * logistic.c — fused logistic scoring (vk_logistic_scores) and multi-head scoring.
 */
#include <cblas.h>

#include "vk_internal.h"

/*
 * Scalar path: double accumulation (4 chains for ILP) keeps it well inside the tolerance.
 * `sigmoid` == 0 leaves the logits x.w + bias (the loss wants them, not rounded p).
 */
static inline void logistic_scalar(const float *x, size_t n, size_t d, size_t ldx,
                                   const float *w, float bias, float *p, const int sigmoid)
{
    for (size_t i = 0; i < n; i++) {
        const float *row = x + i * ldx;
        double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
        size_t j = 0;
        for (; j + 4 <= d; j += 4) {
            a0 += (double)row[j] * w[j];
            a1 += (double)row[j + 1] * w[j + 1];
            a2 += (double)row[j + 2] * w[j + 2];
            a3 += (double)row[j + 3] * w[j + 3];
        }
        for (; j < d; j++) {
            a0 += (double)row[j] * w[j];
        }
        const float z = (float)((a0 + a1) + (a2 + a3)) + bias;
        p[i] = sigmoid ? vk__sigmoidf(z) : z;
    }
}

void vk__logistic_scores_scalar(const float *x, size_t n, size_t d, size_t ldx,
                                const float *w, float bias, float *p)
{
    logistic_scalar(x, n, d, ldx, w, bias, p, 1);
}

void vk__logits_scalar(const float *x, size_t n, size_t d, size_t ldx, const float *w,
                       float bias, float *z)
{
    logistic_scalar(x, n, d, ldx, w, bias, z, 0);
}

#if VK_HAVE_X86
/*
 * Software prefetch distance. The row loop carries enough work per cache line that the
 * out-of-order window alone keeps too few misses in flight; on the Zen test machine the
 * hardware prefetcher then leaves ~40% of the bandwidth unused. One prefetch per 64 bytes,
 * 8 KiB ahead of the load stream, measured best (4 KiB: -10%, 16 KiB: same as 8).
 * Prefetches never fault, so running past the end of x is harmless.
 */
enum { vk__logistic_prefetch_bytes = 8192 };

/* How a row's length splits into 16-float blocks: see row_dot8. */
enum { vk__d16 = 0, vk__d16_8 = 1, vk__dany = 2 };

/*
 * Dot product of one row with w as an 8-lane partial sum (lanes still to be added).
 * The row is read strictly front to back; two accumulator chains hide FMA latency. `shape`
 * is a compile-time constant at every call, so d % 16 == 0 and d % 16 == 8 rows carry no
 * tail code at all (a per-row tail branch measurably costs bandwidth). The general tail
 * uses maskload, which never touches memory past the row's d-th element (rows are only
 * 4-byte aligned, and the last row may end at a page boundary).
 */
VK_AVX2 static inline __attribute__((always_inline)) __m256
row_dot8(const float *row, const float *w, size_t d16, size_t dtail, __m256i tmask,
         const int shape)
{
    __m256 a0 = _mm256_setzero_ps();
    __m256 a1 = _mm256_setzero_ps();
    size_t j = 0;
    for (; j < d16; j += 16) {
        _mm_prefetch((const char *)(row + j) + vk__logistic_prefetch_bytes, _MM_HINT_T0);
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(w + j), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(row + j + 8), _mm256_loadu_ps(w + j + 8), a1);
    }
    if (shape == vk__d16_8 || (shape == vk__dany && dtail >= 8)) {
        _mm_prefetch((const char *)(row + j) + vk__logistic_prefetch_bytes, _MM_HINT_T0);
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(w + j), a0);
        j += 8;
    }
    if (shape == vk__dany && dtail % 8 != 0) {
        a1 = _mm256_fmadd_ps(_mm256_maskload_ps(row + j, tmask),
                             _mm256_maskload_ps(w + j, tmask), a1);
    }
    return _mm256_add_ps(a0, a1);
}

/* Lane i of the result = sum of the 8 lanes of r[i]: a horizontal-add transpose tree. */
VK_AVX2 static inline __m256 hsum8x8(const __m256 r[8])
{
    __m256 t0 = _mm256_hadd_ps(r[0], r[1]);
    __m256 t1 = _mm256_hadd_ps(r[2], r[3]);
    __m256 t2 = _mm256_hadd_ps(r[4], r[5]);
    __m256 t3 = _mm256_hadd_ps(r[6], r[7]);
    __m256 u0 = _mm256_hadd_ps(t0, t1); /* rows 0-3: low halves | high halves */
    __m256 u1 = _mm256_hadd_ps(t2, t3); /* rows 4-7 */
    return _mm256_add_ps(_mm256_permute2f128_ps(u0, u1, 0x20),
                         _mm256_permute2f128_ps(u0, u1, 0x31));
}

/*
 * AVX2 path. Rows are consumed one after another, each in full, so the whole pass is a
 * single forward stream (what this machine's prefetcher tracks best); every 8 rows the
 * 8 partial-sum vectors are reduced together, so the reduction and the sigmoid cost one
 * vector operation per 8 rows instead of per row.
 */
VK_AVX2 static inline __attribute__((always_inline)) void
logistic_shape(const float *x, size_t n, size_t d, size_t ldx, const float *w, float bias,
               float *p, const int sigmoid, const int shape)
{
    const size_t d16 = d / 16 * 16;
    const size_t dtail = d - d16;
    const __m256i tmask = vk__tail_mask(dtail % 8);
    const __m256 vbias = _mm256_set1_ps(bias);
    __m256 r[8];
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const float *row = x + i * ldx;
        for (size_t k = 0; k < 8; k++) {
            r[k] = row_dot8(row + k * ldx, w, d16, dtail, tmask, shape);
        }
        __m256 z = _mm256_add_ps(hsum8x8(r), vbias);
        _mm256_storeu_ps(p + i, sigmoid ? vk__sigmoid8(z) : z);
    }
    if (i < n) {
        const size_t rest = n - i;
        for (size_t k = 0; k < 8; k++) {
            r[k] = k < rest ? row_dot8(x + (i + k) * ldx, w, d16, dtail, tmask, vk__dany)
                            : _mm256_setzero_ps();
        }
        __m256 z = _mm256_add_ps(hsum8x8(r), vbias);
        _mm256_maskstore_ps(p + i, vk__tail_mask(rest), sigmoid ? vk__sigmoid8(z) : z);
    }
}

VK_AVX2 static inline __attribute__((always_inline)) void
logistic_avx2(const float *x, size_t n, size_t d, size_t ldx, const float *w, float bias,
              float *p, const int sigmoid)
{
    if (d % 16 == 0) {
        logistic_shape(x, n, d, ldx, w, bias, p, sigmoid, vk__d16);
    } else if (d % 16 == 8) {
        logistic_shape(x, n, d, ldx, w, bias, p, sigmoid, vk__d16_8);
    } else {
        logistic_shape(x, n, d, ldx, w, bias, p, sigmoid, vk__dany);
    }
}

VK_AVX2 void vk__logistic_scores_avx2(const float *x, size_t n, size_t d, size_t ldx,
                                      const float *w, float bias, float *p)
{
    logistic_avx2(x, n, d, ldx, w, bias, p, 1);
}

VK_AVX2 void vk__logits_avx2(const float *x, size_t n, size_t d, size_t ldx, const float *w,
                             float bias, float *z)
{
    logistic_avx2(x, n, d, ldx, w, bias, z, 0);
}
#endif

/*
 * p[i] = sigmoid(x[i,:] . w + bias). x: n x d (ldx >= d), w: d, p: n, p aliases neither.
 * One forward pass over x, nothing intermediate written. Tolerance
 * |p - ref| <= 1e-6 + 2e-7 * sum_j |x_ij w_j|. Reentrant; callers split rows across threads.
 */
void vk_logistic_scores(const float *x, size_t n, size_t d, size_t ldx,
                        const float *w, float bias, float *p)
{
#if VK_HAVE_X86
    if (vk__isa() == VK_ISA_AVX2) {
        vk__logistic_scores_avx2(x, n, d, ldx, w, bias, p);
        return;
    }
#endif
    vk__logistic_scores_scalar(x, n, d, ldx, w, bias, p);
}

static void bias_sigmoid_scalar(float *row, const float *bias, size_t heads)
{
    for (size_t h = 0; h < heads; h++) {
        row[h] = vk__sigmoidf(row[h] + bias[h]);
    }
}

#if VK_HAVE_X86
VK_AVX2 static void bias_sigmoid_avx2(float *p, size_t ldp, size_t n, const float *bias,
                                      size_t heads)
{
    const size_t htail = heads % 8;
    const size_t hfull = heads - htail;
    const __m256i tmask = vk__tail_mask(htail);
    for (size_t i = 0; i < n; i++) {
        float *row = p + i * ldp;
        size_t h = 0;
        for (; h < hfull; h += 8) {
            __m256 z = _mm256_add_ps(_mm256_loadu_ps(row + h), _mm256_loadu_ps(bias + h));
            _mm256_storeu_ps(row + h, vk__sigmoid8(z));
        }
        if (htail != 0) {
            __m256 z = _mm256_add_ps(_mm256_maskload_ps(row + h, tmask),
                                     _mm256_maskload_ps(bias + h, tmask));
            _mm256_maskstore_ps(row + h, tmask, vk__sigmoid8(z));
        }
    }
}
#endif

/*
 * p[i,h] = sigmoid(x[i,:] . w[h,:] + bias[h]). x: n x d (ldx), w: heads x d (ldw),
 * p: n x heads (ldp >= heads). One sgemm then one in-place pass over p (small next to x).
 * Tolerance: that of the BLAS sgemm plus the sigmoid's 1e-6. Reentrant if BLAS is.
 */
void vk_logistic_scores_multi(const float *x, size_t n, size_t d, size_t ldx,
                              const float *w, size_t heads, size_t ldw,
                              const float *bias, float *p, size_t ldp)
{
    if (n == 0 || heads == 0) {
        return;
    }
    vk_sgemm_abt(x, ldx, w, ldw, p, ldp, n, heads, d);
#if VK_HAVE_X86
    if (vk__isa() == VK_ISA_AVX2) {
        bias_sigmoid_avx2(p, ldp, n, bias, heads);
        return;
    }
#endif
    for (size_t i = 0; i < n; i++) {
        bias_sigmoid_scalar(p + i * ldp, bias, heads);
    }
}
