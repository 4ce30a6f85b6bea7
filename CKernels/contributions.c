/*
 * contributions.c — vk_top_contributions.
 *
 * Each row's m output slots are kept sorted (|value| descending) while features are
 * scanned in increasing j. A later feature with the same |c| ranks after an earlier one,
 * so it enters only when strictly larger than the current m-th — ties need no index check.
 */
#include "vk_internal.h"

/* Inserts c (feature j) into the sorted slots [0, count), growing count up to m. */
static inline void insert(float *vals, int32_t *feats, size_t *count, size_t m, float c,
                          int32_t j)
{
    const float ac = fabsf(c);
    size_t at = *count < m ? (*count)++ : m - 1;
    while (at > 0 && ac > fabsf(vals[at - 1])) {
        vals[at] = vals[at - 1];
        feats[at] = feats[at - 1];
        at--;
    }
    vals[at] = c;
    feats[at] = j;
}

/* Slots the row did not fill (m > d) read value 0, feature -1. */
static void pad(float *vals, int32_t *feats, size_t from, size_t m)
{
    for (size_t s = from; s < m; s++) {
        vals[s] = 0.0f;
        feats[s] = -1;
    }
}

static void row_scalar(const float *row, const float *w, size_t d, size_t m, float *vals,
                       int32_t *feats)
{
    size_t count = 0;
    for (size_t j = 0; j < d; j++) {
        const float c = row[j] * w[j];
        if (count < m || fabsf(c) > fabsf(vals[m - 1])) {
            insert(vals, feats, &count, m, c, (int32_t)j);
        }
    }
    pad(vals, feats, count, m);
}

#if VK_HAVE_X86
/*
 * 8 products at a time; once the slots are full, one compare of |c| against the m-th
 * |value| rejects the group before any scalar work. The products are the same single
 * float multiplies as the scalar path, so both paths give identical output.
 */
VK_AVX2 static void row_avx2(const float *row, const float *w, size_t d, size_t m,
                             float *vals, int32_t *feats)
{
    const __m256 absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    size_t count = 0;
    size_t j = 0;
    float c8[8];
    for (; j + 8 <= d; j += 8) {
        __m256 c = _mm256_mul_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(w + j));
        unsigned mask = 0xffu;
        if (count == m) {
            __m256 thr = _mm256_set1_ps(fabsf(vals[m - 1]));
            mask = (unsigned)_mm256_movemask_ps(
                _mm256_cmp_ps(_mm256_and_ps(c, absmask), thr, _CMP_GT_OQ));
            if (mask == 0) {
                continue;
            }
        }
        _mm256_storeu_ps(c8, c);
        do {
            unsigned b = (unsigned)__builtin_ctz(mask);
            mask &= mask - 1;
            if (count < m || fabsf(c8[b]) > fabsf(vals[m - 1])) {
                insert(vals, feats, &count, m, c8[b], (int32_t)(j + b));
            }
        } while (mask != 0);
    }
    for (; j < d; j++) {
        const float c = row[j] * w[j];
        if (count < m || fabsf(c) > fabsf(vals[m - 1])) {
            insert(vals, feats, &count, m, c, (int32_t)j);
        }
    }
    pad(vals, feats, count, m);
}
#endif

/*
 * Per row, the top-m c_j = x[i,j] * w[j] by |c_j| descending, ties by lower j, into
 * out_values / out_features (n x m); slots past d hold 0 / -1. Exact. Reentrant.
 */
void vk_top_contributions(const float *x, size_t n, size_t d, size_t ldx,
                          const float *w, size_t m,
                          float *out_values, int32_t *out_features)
{
    if (m == 0) {
        return;
    }
#if VK_HAVE_X86
    const int avx2 = vk__isa() == VK_ISA_AVX2;
#endif
    for (size_t i = 0; i < n; i++) {
        const float *row = x + i * ldx;
        float *vals = out_values + i * m;
        int32_t *feats = out_features + i * m;
#if VK_HAVE_X86
        if (avx2) {
            row_avx2(row, w, d, m, vals, feats);
            continue;
        }
#endif
        row_scalar(row, w, d, m, vals, feats);
    }
}
