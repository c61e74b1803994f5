/* Offline demo base: stands in for the C library's stdio.h. */
