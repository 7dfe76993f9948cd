# guests/: L2 guests; each subdirectory brings its own module.mk.
include $(sort $(wildcard guests/*/module.mk))
