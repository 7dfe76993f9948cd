/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Coverage of a bare-metal image run inside QEMU (`make coverage-qemu`).
 * In a build with RVNEST_GCOV=1 the instrumented objects carry their gcov
 * data in the `.gcov_info` section (GCC's -fprofile-info-section) and
 * rvnest_gcov_dump() prints it, as .gcda bytes, on the console:
 *
 *     RVNEST gcov_begin file=<absolute .gcda path>
 *     RVNEST gcov_data hex=<up to 64 bytes as hex>
 *     RVNEST gcov_end file=<same path> bytes=<n>
 *
 * harness/gcov.py removes these lines from the console and merges the
 * bytes into the .gcda files lcov reads. In an ordinary build the call
 * is an empty inline, so images and their instruction counts are those
 * of a build without this header.
 */
#ifndef RVNEST_GCOV_H
#define RVNEST_GCOV_H

#ifdef RVNEST_GCOV
/* Print every instrumented object's counters; call once, at the end. */
void rvnest_gcov_dump(void);
#else
static inline void rvnest_gcov_dump(void)
{
}
#endif

#endif /* RVNEST_GCOV_H */
