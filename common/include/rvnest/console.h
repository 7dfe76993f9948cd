/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Console for bare-metal rvnest images: picolibc's printf on a line-buffered
 * stdout whose backend is pluggable (SBI DBCN or legacy putchar by default;
 * L0 may install a direct UART writer).
 */
#ifndef RVNEST_CONSOLE_H
#define RVNEST_CONSOLE_H

#include <stddef.h>
#include <stdio.h>

typedef void (*console_backend_fn)(const char *buf, size_t len);

/* Pick the SBI backend (DBCN when probed, else legacy putchar). */
void console_init_sbi(void);
void console_set_backend(console_backend_fn fn);
void console_flush(void);

/* Print a one-line diagnostic and stop the machine through SBI SRST with a
 * failure reason. Never returns, never spins silently. */
void __attribute__((noreturn, format(printf, 1, 2))) panic(const char *fmt,
							   ...);

#endif /* RVNEST_CONSOLE_H */
