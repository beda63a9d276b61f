/* What the libFuzzer targets of tests/fuzz share: a pool cleared between
 * inputs, the input as strings, and invariants that abort (libFuzzer then
 * keeps the input as a reproducer). */
#ifndef OAUTH2_TESTS_FUZZ_H
#define OAUTH2_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <apr_pools.h>

/* Each target's check of one input; pool is cleared when it returns
 * (before libFuzzer looks for leaks). Returns 0. */
int fuzz_one(apr_pool_t *pool, const uint8_t *data, size_t size);

/* A target's preparation, run once before the first input (none unless
 * the target defines it). */
void fuzz_setup(void);

/* Splits data on NUL bytes into at most n strings (in pool):
 * the last one takes the rest, NULs dropped; missing ones are "". The
 * parts hold no NUL, as the C strings the code under test receives. */
void fuzz_split(apr_pool_t *pool, const uint8_t *data, size_t size, int n,
                const char **parts);

/* An invariant of the code under test. */
#define FUZZ_ASSERT(cond)                                                      \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,         \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

#endif
