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
#include <math.h>

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

// erf(x) on eight lanes: the rational approximation of FastMath.erf (Eigen's, on
// [-4, 4]) with the same coefficients, evaluated with FMAs.
TARGET static inline __m256 erf8(__m256 v) {
    __m256 x = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-4.0f)), _mm256_set1_ps(4.0f));
    __m256 x2 = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(-2.72614225801306e-10f);
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(2.77068142495902e-08f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-2.10102402082508e-06f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-5.69250639462346e-05f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-7.34990630326855e-04f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-2.95459980854025e-03f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-1.60960333262415e-02f));
    __m256 q = _mm256_set1_ps(-1.45660718464996e-05f);
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-2.13374055278905e-04f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-1.68282697438203e-03f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-7.37332916720468e-03f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-1.42647390514189e-02f));
    return _mm256_div_ps(_mm256_mul_ps(x, p), q);
}

TARGET static void gelu_avx2(float *x, long count) {
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
    const __m256 inv_sqrt2 = _mm256_set1_ps(0.70710678118654752440f);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 e = erf8(_mm256_mul_ps(v, inv_sqrt2));
        _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_add_ps(one, e)));
    }
    if (i < count) {
        // The tail through the same lanes: copied out and back, so no read or write past the end.
        float tail[8] = {0};
        for (long j = i; j < count; j++) tail[j - i] = x[j];
        __m256 v = _mm256_loadu_ps(tail);
        __m256 e = erf8(_mm256_mul_ps(v, inv_sqrt2));
        _mm256_storeu_ps(tail, _mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_add_ps(one, e)));
        for (long j = i; j < count; j++) x[j] = tail[j - i];
    }
}

int minilm_gelu(float *x, long count) {
    if (!minilm_linear_rows_available()) return 0;
    gelu_avx2(x, count);
    return 1;
}

// exp(x) on eight lanes for x <= 88: FastMath.exp's Cephes expf (x = n ln2 + r, a
// degree-6 polynomial for e^r, times 2^n built from its bits), with FMAs.
TARGET static inline __m256 exp8(__m256 v) {
    __m256 x = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(_mm256_mul_ps(y, r), r, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

// Softmax of row[0..n) in place; row[n..np) (the padding up to a multiple of 8) is set to 0.
TARGET static void softmax_row(float *row, int n, int np) {
    for (int j = n; j < np; j++) row[j] = -INFINITY;
    __m256 m = _mm256_set1_ps(-INFINITY);
    for (int j = 0; j < np; j += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(row + j));
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    __m256 maximum = _mm256_set1_ps(_mm_cvtss_f32(m4));
    __m256 sums = _mm256_setzero_ps();
    for (int j = 0; j < np; j += 8) {
        // exp(-inf - max) clamps to exp(-87) ~ 1.6e-38 in the padding: zeroed below, and
        // below any float a real score's share could be, so it changes no sum.
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + j), maximum));
        if (j + 8 > n) e = _mm256_and_ps(e, _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(n - j), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))));
        _mm256_storeu_ps(row + j, e);
        sums = _mm256_add_ps(sums, e);
    }
    __m256 inverse = _mm256_set1_ps(1.0f / hsum(sums));
    for (int j = 0; j < np; j += 8) _mm256_storeu_ps(row + j, _mm256_mul_ps(_mm256_loadu_ps(row + j), inverse));
}

// Scores of rows i0..i0+R (R <= 4) against all keys: s[i][j] = scale * q_i . k_j
// from kt (d x np: the head's keys transposed and zero-padded), 2 column vectors x
// R rows per step: 2 loads of kt and R broadcasts of q for 2R FMAs.
TARGET static inline __attribute__((always_inline)) void scores_block(
    const float *q, int ld, const float *kt, int d, int np, float scale, float *s, int i0, const int R) {
    int j = 0;
    for (; j + 16 <= np; j += 16) {
        __m256 acc[4][2];
        for (int r = 0; r < R; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
        for (int c = 0; c < d; c++) {
            __m256 k0 = _mm256_loadu_ps(kt + c * np + j), k1 = _mm256_loadu_ps(kt + c * np + j + 8);
            for (int r = 0; r < R; r++) {
                __m256 b = _mm256_broadcast_ss(q + (long)(i0 + r) * ld + c);
                acc[r][0] = _mm256_fmadd_ps(b, k0, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(b, k1, acc[r][1]);
            }
        }
        for (int r = 0; r < R; r++) {
            _mm256_storeu_ps(s + (long)(i0 + r) * np + j, _mm256_mul_ps(acc[r][0], _mm256_set1_ps(scale)));
            _mm256_storeu_ps(s + (long)(i0 + r) * np + j + 8, _mm256_mul_ps(acc[r][1], _mm256_set1_ps(scale)));
        }
    }
    if (j < np) {  // one vector left (np is a multiple of 8)
        __m256 acc[4];
        for (int r = 0; r < R; r++) acc[r] = _mm256_setzero_ps();
        for (int c = 0; c < d; c++) {
            __m256 k0 = _mm256_loadu_ps(kt + c * np + j);
            for (int r = 0; r < R; r++) acc[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(q + (long)(i0 + r) * ld + c), k0, acc[r]);
        }
        for (int r = 0; r < R; r++) _mm256_storeu_ps(s + (long)(i0 + r) * np + j, _mm256_mul_ps(acc[r], _mm256_set1_ps(scale)));
    }
}

// context rows i0..i0+R (R <= 2) = P V: for each key j, p_ij times v_j's d = 32
// floats (4 vectors), R x 4 accumulators, each step 4 loads of v and R broadcasts
// (3 rows measured no faster: 12 accumulators leave too few registers).
TARGET static inline __attribute__((always_inline)) void context_block(
    const float *s, int np, const float *v, int ld, int n, float *out, int i0, const int R) {
    __m256 acc[2][4];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < 4; c++) acc[r][c] = _mm256_setzero_ps();
    for (int j = 0; j < n; j++) {
        const float *vj = v + (long)j * ld;
        __m256 v0 = _mm256_loadu_ps(vj), v1 = _mm256_loadu_ps(vj + 8), v2 = _mm256_loadu_ps(vj + 16), v3 = _mm256_loadu_ps(vj + 24);
        for (int r = 0; r < R; r++) {
            __m256 p = _mm256_broadcast_ss(s + (long)(i0 + r) * np + j);
            acc[r][0] = _mm256_fmadd_ps(p, v0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(p, v1, acc[r][1]);
            acc[r][2] = _mm256_fmadd_ps(p, v2, acc[r][2]);
            acc[r][3] = _mm256_fmadd_ps(p, v3, acc[r][3]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int c = 0; c < 4; c++) _mm256_storeu_ps(out + (long)(i0 + r) * ld + c * 8, acc[r][c]);
}

TARGET static void attention_head_avx2(
    const float *q, const float *k, const float *v, float *context, int n, int d, int ld, float scale, float *scratch) {
    int np = (n + 7) / 8 * 8;
    float *kt = scratch, *s = scratch + (long)d * np;
    for (int c = 0; c < d; c++) {
        for (int j = 0; j < n; j++) kt[c * np + j] = k[(long)j * ld + c];
        for (int j = n; j < np; j++) kt[c * np + j] = 0;
    }
    int i0 = 0;
    for (; i0 + 4 <= n; i0 += 4) scores_block(q, ld, kt, d, np, scale, s, i0, 4);
    for (; i0 < n; i0++) scores_block(q, ld, kt, d, np, scale, s, i0, 1);
    for (int i = 0; i < n; i++) softmax_row(s + (long)i * np, n, np);
    int i = 0;
    for (; i + 2 <= n; i += 2) context_block(s, np, v, ld, n, context, i, 2);
    for (; i < n; i++) context_block(s, np, v, ld, n, context, i, 1);
}

long minilm_attention_scratch(int longest, int d) {
    long np = (longest + 7) / 8 * 8;
    return (long)d * np + (long)longest * np;
}

int minilm_attention_head(const float *q, const float *k, const float *v, float *context, int n, int d, int ld, float scale, float *scratch) {
    if (d != 32 || n <= 0 || !minilm_linear_rows_available()) return 0;
    attention_head_avx2(q, k, v, context, n, d, ld, scale, scratch);
    return 1;
}
