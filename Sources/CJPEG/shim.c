// libjpeg shim: error handling by longjmp, decoding from memory to RGB. See include/cjpeg.h.
#include "cjpeg.h"
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char *err;
    size_t errlen;
} cj_error_mgr;

static void cj_error_exit(j_common_ptr cinfo) {
    cj_error_mgr *m = (cj_error_mgr *)cinfo->err;
    if (m->err && m->errlen) (*cinfo->err->format_message)(cinfo, m->err);
    longjmp(m->jump, 1);
}

// Warnings (msg_level −1) are corrupt data: a truncated file, a bad Huffman code, missing markers. libjpeg would
// fill the rest with gray and carry on; this shim stops instead, so a damaged input never yields a made-up image.
static void cj_emit_message(j_common_ptr cinfo, int msg_level) {
    if (msg_level < 0) cj_error_exit(cinfo);
}

static void cj_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void cj_setup(struct jpeg_decompress_struct *cinfo, cj_error_mgr *m, char *err, size_t errlen) {
    memset(cinfo, 0, sizeof *cinfo);
    cinfo->err = jpeg_std_error(&m->pub);
    m->pub.error_exit = cj_error_exit;
    m->pub.emit_message = cj_emit_message;
    m->pub.output_message = cj_output_message;
    m->err = err;
    m->errlen = errlen;
}

// format_message writes up to JMSG_LENGTH_MAX (200) bytes; callers pass at least that much.
static void cj_message(char *err, size_t errlen, const char *text) {
    if (err && errlen) snprintf(err, errlen, "%s", text);
}

int cj_read_header(const uint8_t *data, size_t len, cj_info *info, char *err, size_t errlen) {
    if (errlen < JMSG_LENGTH_MAX) return -1;
    struct jpeg_decompress_struct cinfo;
    cj_error_mgr m;
    cj_setup(&cinfo, &m, err, errlen);
    if (setjmp(m.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    info->width = (int)cinfo.image_width;
    info->height = (int)cinfo.image_height;
    info->components = cinfo.num_components;
    info->color_space = (int)cinfo.jpeg_color_space;
    info->progressive = cinfo.progressive_mode ? 1 : 0;
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int cj_decode_rgb(const uint8_t *data, size_t len, uint8_t *out, size_t outlen, long max_memory, char *err, size_t errlen) {
    if (errlen < JMSG_LENGTH_MAX) return -1;
    struct jpeg_decompress_struct cinfo;
    cj_error_mgr m;
    cj_setup(&cinfo, &m, err, errlen);
    if (setjmp(m.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    if (max_memory > 0) cinfo.mem->max_memory_to_use = max_memory;
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        cj_message(err, errlen, "CMYK/YCCK JPEG is not supported (convert it to RGB)");
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    cinfo.out_color_space = JCS_RGB;   // libjpeg-turbo converts gray and YCbCr to RGB itself
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)cinfo.output_width * 3;
    if (cinfo.output_components != 3 || stride * cinfo.output_height > outlen) {
        cj_message(err, errlen, "decoded size does not match the header");
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out + (size_t)cinfo.output_scanline * stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}
