#ifndef CJPEG_H
#define CJPEG_H
// The only file that includes <jpeglib.h> (libjpeg-turbo, Debian's libjpeg62-turbo-dev).
// libjpeg's default error handler prints and calls exit(); this shim installs one that longjmps back
// and returns the message instead, so corrupt or truncated files become errors, never a process exit.
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int width;
    int height;
    int components;      // samples per pixel in the file: 1 (gray), 3 (YCbCr/RGB), 4 (CMYK/YCCK)
    int color_space;     // 1 gray, 2 RGB, 3 YCbCr, 4 CMYK, 5 YCCK (libjpeg's J_COLOR_SPACE), 0 unknown
    int progressive;     // 1 for a progressive (SOF2) file
} cj_info;

/// Reads the header only (no pixel memory is allocated). Returns 0, or -1 with a message in `err`.
int cj_read_header(const uint8_t *data, size_t len, cj_info *info, char *err, size_t errlen);

/// Decodes to 8-bit RGB (gray is replicated) into `out` (width*height*3 bytes, checked against `outlen`).
/// `max_memory` caps libjpeg's own working memory (bytes; progressive files keep every coefficient).
/// Corrupt-data warnings (truncation, bad Huffman codes) are treated as errors. Returns 0, or -1 with a message.
int cj_decode_rgb(const uint8_t *data, size_t len, uint8_t *out, size_t outlen, long max_memory, char *err, size_t errlen);

#endif
