/*
 * dispatch.c — ISA selection, BLAS thread control and the one sgemm wrapper.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_DEFAULT */
#endif
#include <dlfcn.h>
#include <stdatomic.h>
#include <string.h>

#include <cblas.h>

#include "vk_internal.h"

/* The only mutable global of the kernels: -1 until first use, then a vk_isa value. */
static atomic_int vk__isa_state = -1;

static vk_isa vk__isa_best(void)
{
#if VK_HAVE_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        return VK_ISA_AVX2;
    }
#endif
    return VK_ISA_SCALAR;
}

vk_isa vk__isa(void)
{
    int s = atomic_load_explicit(&vk__isa_state, memory_order_relaxed);
    if (s < 0) {
        /* Racing first calls all compute the same answer; whichever store wins is fine,
         * but an explicit vk_isa_select must not be overwritten, hence the CAS. */
        int expected = -1;
        int best = (int)vk__isa_best();
        if (atomic_compare_exchange_strong_explicit(&vk__isa_state, &expected, best,
                                                    memory_order_relaxed,
                                                    memory_order_relaxed)) {
            s = best;
        } else {
            s = expected;
        }
    }
    return (vk_isa)s;
}

vk_isa vk_isa_active(void) { return vk__isa(); }

int vk_isa_supported(vk_isa isa)
{
    switch (isa) {
    case VK_ISA_SCALAR:
        return 1;
    case VK_ISA_AVX2:
        return vk__isa_best() == VK_ISA_AVX2;
    }
    return 0;
}

int vk_isa_select(vk_isa isa)
{
    if (!vk_isa_supported(isa)) {
        return -1;
    }
    atomic_store_explicit(&vk__isa_state, (int)isa, memory_order_relaxed);
    return 0;
}

/*
 * OpenBLAS's controls are looked up at run time rather than linked: the binary links the
 * generic libblas.so.3, and when the netlib alternative is selected these symbols do not
 * exist. glibc >= 2.34 has dlsym in libc, so no -ldl is needed.
 */
int vk_blas_set_threads(int threads)
{
    void (*set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
    if (set == NULL) {
        return 0;
    }
    set(threads < 1 ? 1 : threads);
    return 1;
}

/* OpenBLAS's core name (e.g. "Haswell", static storage inside OpenBLAS) or "netlib". */
const char *vk_blas_name(void)
{
    char *(*corename)(void) = (char *(*)(void))dlsym(RTLD_DEFAULT, "openblas_get_corename");
    if (corename != NULL) {
        const char *name = corename();
        if (name != NULL && name[0] != '\0') {
            return name;
        }
    }
    return "netlib";
}

/*
 * C = A * B^T. BLAS takes int sizes (the caller keeps them below INT_MAX) and rejects a
 * leading dimension of 0 even when k is 0, so k == 0 is handled here: C = 0.
 */
void vk_sgemm_abt(const float *a, size_t lda, const float *b, size_t ldb,
                  float *c, size_t ldc, size_t m, size_t n, size_t k)
{
    if (m == 0 || n == 0) {
        return;
    }
    if (k == 0) {
        for (size_t i = 0; i < m; i++) {
            memset(c + i * ldc, 0, n * sizeof(float));
        }
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, (int)k, 1.0f, a,
                (int)lda, b, (int)ldb, 0.0f, c, (int)ldc);
}
