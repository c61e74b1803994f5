/* Offline demo store: stands in for the zlib-dev package's header. */
#ifndef ZLIB_H
#define ZLIB_H
unsigned long crc32(unsigned long crc, const unsigned char *buf, unsigned int len);
#endif
