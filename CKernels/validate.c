/*
 * validate.c — vk_first_nonfinite.
 *
 * A float is NaN or infinite exactly when its exponent field is all ones. The SIMD pass
 * ORs that test over a row and only looks for the exact position once a row fails, so
 * the common all-finite case is a straight streaming read.
 */
#include "vk_internal.h"

#include <string.h>

static inline int nonfinite_bits(float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    return (bits & 0x7f800000u) == 0x7f800000u;
}

static size_t first_in_row_scalar(const float *row, size_t d)
{
    for (size_t j = 0; j < d; j++) {
        if (nonfinite_bits(row[j])) {
            return j;
        }
    }
    return d;
}

#if VK_HAVE_X86
VK_AVX2 static int row_has_nonfinite_avx2(const float *row, size_t d)
{
    const __m256i exponent = _mm256_set1_epi32(0x7f800000);
    __m256i bad = _mm256_setzero_si256();
    size_t j = 0;
    for (; j + 16 <= d; j += 16) {
        __m256i a = _mm256_and_si256(_mm256_castps_si256(_mm256_loadu_ps(row + j)), exponent);
        __m256i b = _mm256_and_si256(_mm256_castps_si256(_mm256_loadu_ps(row + j + 8)), exponent);
        bad = _mm256_or_si256(bad, _mm256_or_si256(_mm256_cmpeq_epi32(a, exponent),
                                                   _mm256_cmpeq_epi32(b, exponent)));
    }
    for (; j + 8 <= d; j += 8) {
        __m256i a = _mm256_and_si256(_mm256_castps_si256(_mm256_loadu_ps(row + j)), exponent);
        bad = _mm256_or_si256(bad, _mm256_cmpeq_epi32(a, exponent));
    }
    if (j < d) {
        __m256i a = _mm256_and_si256(
            _mm256_castps_si256(_mm256_maskload_ps(row + j, vk__tail_mask(d - j))), exponent);
        bad = _mm256_or_si256(bad, _mm256_cmpeq_epi32(a, exponent));
    }
    return !_mm256_testz_si256(bad, bad);
}
#endif

size_t vk_first_nonfinite(const float *x, size_t n, size_t d, size_t ldx)
{
#if VK_HAVE_X86
    const int avx2 = vk__isa() == VK_ISA_AVX2;
#endif
    for (size_t i = 0; i < n; i++) {
        const float *row = x + i * ldx;
#if VK_HAVE_X86
        if (avx2 && !row_has_nonfinite_avx2(row, d)) {
            continue;
        }
#endif
        size_t j = first_in_row_scalar(row, d);
        if (j < d) {
            return i * d + j;
        }
    }
    return n * d;
}
