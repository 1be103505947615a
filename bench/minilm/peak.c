/* bench/minilm/peak.c - the per-core fp32 peak that bench/PROFILE.md's encoder section divides by.
 * Measures, on one thread: (1) the clock, from a chain of dependent integer adds (1 cycle each);
 * (2) the FMA throughput of AVX-512 (16 lanes) and AVX2 (8 lanes) with 12 independent accumulators
 * (enough to cover the FMA latency on 2 pipes). Prints GHz and GFLOP/s (an FMA = 2 flops).
 * Timed in thread CPU seconds, so time-slicing on a shared machine does not count.
 * Build and run: gcc -O2 -mavx512f -mfma bench/minilm/peak.c -o /tmp/peak && /tmp/peak */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

static double clock_ghz(void) {
    long n = 50000000L, x = 0;
    double t0 = now();
    for (long i = 0; i < n; i++)  /* 16 dependent adds: 16 cycles, the loop's own work hides beside them */
        __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
    return 16.0 * n / (now() - t0) / 1e9;
}

#define FMA_LOOP(T, SET1, FMADD, LANES)                                                   \
    /* distinct starting values: identical chains would be merged into one by the compiler */ \
    T a0 = SET1(1), a1 = SET1(1.01f), a2 = SET1(1.02f), a3 = SET1(1.03f), a4 = SET1(1.04f), \
      a5 = SET1(1.05f), a6 = SET1(1.06f), a7 = SET1(1.07f), a8 = SET1(1.08f), a9 = SET1(1.09f), \
      a10 = SET1(1.1f), a11 = SET1(1.11f), m = SET1(0.999999f), c = SET1(1e-7f);       \
    long n = 50000000L; double t0 = now();                                                \
    for (long i = 0; i < n; i++) {                                                        \
        a0 = FMADD(a0, m, c); a1 = FMADD(a1, m, c); a2 = FMADD(a2, m, c); a3 = FMADD(a3, m, c); \
        a4 = FMADD(a4, m, c); a5 = FMADD(a5, m, c); a6 = FMADD(a6, m, c); a7 = FMADD(a7, m, c); \
        a8 = FMADD(a8, m, c); a9 = FMADD(a9, m, c); a10 = FMADD(a10, m, c); a11 = FMADD(a11, m, c); \
    }                                                                                     \
    double s = now() - t0; float out[LANES];                                              \
    T sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;                  \
    memcpy(out, &sum, sizeof out); sink += out[0];                                        \
    return 12.0 * n * LANES * 2 / s / 1e9;

#include <string.h>
static float sink;
static double avx512(void) { FMA_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps, 16) }
static double avx2(void) { FMA_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps, 8) }

int main(void) {
    double ghz = 0, p512 = 0, p256 = 0;
    for (int r = 0; r < 3; r++) {  /* best of 3: the machine is shared */
        double g = clock_ghz(), a = avx512(), b = avx2();
        if (g > ghz) ghz = g;
        if (a > p512) p512 = a;
        if (b > p256) p256 = b;
    }
    printf("clock %.2f GHz\nAVX-512 FMA peak %.1f GFLOP/s (%.1f flops/cycle)\nAVX2 FMA peak %.1f GFLOP/s (%.1f flops/cycle)\n",
           ghz, p512, p512 / ghz, p256, p256 / ghz);
    return sink == 12345.f;
}
