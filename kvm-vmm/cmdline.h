/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel command-line parsing for kvm-init (kvm_init.c): pure string work,
 * checked by the host unit tests (tests/test_vmm.c).
 */
#ifndef KVM_VMM_CMDLINE_H
#define KVM_VMM_CMDLINE_H

/* The next parameter of a kernel command line, split as the kernel's
 * next_arg() does: at spaces (or newlines) outside double quotes, the
 * quotes removed. Modifies the string; NULL at its end. */
char *cmdline_next_param(char **cursor);

/* Splits `args` at every character of `sep` into argv[first..], ending
 * argv with NULL; returns the number of entries in argv, or -1 when more
 * than `max` entries (the NULL included) would be needed. Empty pieces
 * are skipped. Modifies `args`. */
int cmdline_split(char *args, const char *sep, char **argv, int first, int max);

#endif /* KVM_VMM_CMDLINE_H */
