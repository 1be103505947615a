// A small-M dense layer for the MiniLM encoder, in C for the AVX2/FMA intrinsics
// (Swift's SIMD types compile to the baseline x86-64 target, SSE2 without FMA, and
// the binary must still run on a CPU without AVX2: the attribute below compiles
// only these functions for AVX2, and `minilm_linear_rows` checks the CPU first).
//
// Why: for one short sentence (~15 rows) OpenBLAS's sgemm packs the whole weight
// for every call and reached 20-25 GFLOP/s per core (bench/PROFILE.md). Here each
// output is a dot product of two contiguous rows, x[r] and w[j]: blocks of 3 rows
// x 4 outputs keep 12 accumulators in registers, each step loads 3 + 4 vectors of
// 8 floats for 12 FMAs, and the weight is read once per call (the few rows of x
// stay in L1), with no packing and no copy of the weights.
#include "minilm_kernels.h"

#include <immintrin.h>

#define TARGET __attribute__((target("avx2,fma")))

TARGET static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// One block of R rows x C outputs (R <= 3, C <= 4, constants after inlining).
TARGET static inline __attribute__((always_inline)) void block(
    const float *x, int inputs, const float *w, float *y, int ldy, const int R, const int C) {
    __m256 acc[3][4];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) acc[r][c] = _mm256_setzero_ps();
    for (int k = 0; k < inputs; k += 8) {
        __m256 xs[3];
        for (int r = 0; r < R; r++) xs[r] = _mm256_loadu_ps(x + r * inputs + k);
        for (int c = 0; c < C; c++) {
            __m256 wv = _mm256_loadu_ps(w + c * inputs + k);
            for (int r = 0; r < R; r++) acc[r][c] = _mm256_fmadd_ps(xs[r], wv, acc[r][c]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) y[r * ldy + c] += hsum(acc[r][c]);
}

#define CASE(R, C) case (R) * 8 + (C): block(x, inputs, w, y, ldy, R, C); break;

TARGET static void any_block(const float *x, int inputs, const float *w, float *y, int ldy, int rn, int cn) {
    switch (rn * 8 + cn) {
        CASE(3, 4) CASE(3, 3) CASE(3, 2) CASE(3, 1)
        CASE(2, 4) CASE(2, 3) CASE(2, 2) CASE(2, 1)
        CASE(1, 4) CASE(1, 3) CASE(1, 2) CASE(1, 1)
        default: break;
    }
}

// The compiler runtime fills in the CPU model before main (a constructor), so
// this reads a global: no cache of our own, and nothing for threads to race on.
int minilm_linear_rows_available(void) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

int minilm_linear_rows(const float *x, int rows, int inputs, const float *w, int first, int n, float *y, int ldy) {
    if (inputs <= 0 || inputs % 8 != 0 || !minilm_linear_rows_available()) return 0;
    // Outputs outside, rows inside: a block of 4 weight rows is read from memory
    // once and meets every row of x (a few KiB, in L1) before the next.
    for (int c0 = 0; c0 < n; c0 += 4) {
        int cn = n - c0 < 4 ? n - c0 : 4;
        const float *wc = w + (long)(first + c0) * inputs;
        for (int r0 = 0; r0 < rows; r0 += 3) {
            int rn = rows - r0 < 3 ? rows - r0 : 3;
            any_block(x + (long)r0 * inputs, inputs, wc, y + (long)r0 * ldy + first + c0, ldy, rn, cn);
        }
    }
    return 1;
}
