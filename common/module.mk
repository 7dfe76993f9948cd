# common/: code shared by every bare-metal image (and host-testable parts).
COMMON_BM_SRCS += common/trap_names.c
