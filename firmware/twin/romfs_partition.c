// A ROMFS partition for the Unix twin, backed by a file, as a board's flash partition is.
//
// The stock Unix port (main.c) offers a fixed empty 4-byte image. Here the partition is the file
// named by the environment variable MICROPY_ROMFS, mapped into memory with mmap: MicroPython reads
// the image in place, so .mpy bytecode in it runs without being copied into the GC heap, which is
// what a ROMFS partition in an ESP32's memory-mapped flash gives. The partition's size is the
// file's size (make it with truncate); `mpremote romfs deploy` writes it through the write ioctls
// below, as it would a board's. tools/twin.py takes main.c's version out of this build.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "py/mperrno.h"
#include "py/objarray.h"
#include "py/runtime.h"
#include "extmod/vfs.h"

#if TWIN_ROMFS

static mp_obj_array_t romfs_view;
static uint8_t *romfs_base;
static size_t romfs_size;
static int romfs_writable;

// Map the partition file once; 0 on success, a negative errno otherwise.
static int romfs_map(void) {
    if (romfs_base != NULL) {
        return 0;
    }
    const char *path = getenv("MICROPY_ROMFS");
    if (path == NULL || *path == '\0') {
        return -MP_ENOENT;
    }
    int fd = open(path, O_RDWR);
    romfs_writable = fd >= 0;
    if (fd < 0) {
        fd = open(path, O_RDONLY);
    }
    if (fd < 0) {
        return -MP_ENOENT;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        close(fd);
        return -MP_EINVAL;
    }
    int prot = PROT_READ | (romfs_writable ? PROT_WRITE : 0);
    void *p = mmap(NULL, (size_t)st.st_size, prot, MAP_SHARED, fd, 0);
    close(fd); // the mapping keeps the file
    if (p == MAP_FAILED) {
        return -MP_EIO;
    }
    romfs_base = p;
    romfs_size = (size_t)st.st_size;
    mp_obj_memoryview_init(&romfs_view, 'B', 0, romfs_size, romfs_base);
    return 0;
}

mp_obj_t mp_vfs_rom_ioctl(size_t n_args, const mp_obj_t *args) {
    mp_int_t cmd = mp_obj_get_int(args[0]);
    if (cmd == MP_VFS_ROM_IOCTL_GET_NUMBER_OF_SEGMENTS) {
        return MP_OBJ_NEW_SMALL_INT(1);
    }
    if (n_args < 2 || mp_obj_get_int(args[1]) != 0) {
        return MP_OBJ_NEW_SMALL_INT(-MP_EINVAL);
    }
    int err = romfs_map();
    if (err != 0) {
        return MP_OBJ_NEW_SMALL_INT(err);
    }
    switch (cmd) {
        case MP_VFS_ROM_IOCTL_GET_SEGMENT:
            return MP_OBJ_FROM_PTR(&romfs_view);

        case MP_VFS_ROM_IOCTL_WRITE_PREPARE: {
            // erase what the image will cover, as flash is erased before it is written
            if (!romfs_writable || n_args < 3) {
                return MP_OBJ_NEW_SMALL_INT(-MP_EPERM);
            }
            mp_int_t len = mp_obj_get_int(args[2]);
            if (len < 0 || (size_t)len > romfs_size) {
                return MP_OBJ_NEW_SMALL_INT(-MP_EINVAL);
            }
            memset(romfs_base, 0xff, (size_t)len);
            return MP_OBJ_NEW_SMALL_INT(4); // the smallest write, in bytes
        }

        case MP_VFS_ROM_IOCTL_WRITE: {
            if (!romfs_writable || n_args < 4) {
                return MP_OBJ_NEW_SMALL_INT(-MP_EPERM);
            }
            mp_int_t offset = mp_obj_get_int(args[2]);
            mp_buffer_info_t buf;
            mp_get_buffer_raise(args[3], &buf, MP_BUFFER_READ);
            if (offset < 0 || (size_t)offset > romfs_size || buf.len > romfs_size - (size_t)offset) {
                return MP_OBJ_NEW_SMALL_INT(-MP_EINVAL);
            }
            memcpy(romfs_base + offset, buf.buf, buf.len);
            return MP_OBJ_NEW_SMALL_INT(0);
        }

        case MP_VFS_ROM_IOCTL_WRITE_COMPLETE:
            return MP_OBJ_NEW_SMALL_INT(msync(romfs_base, romfs_size, MS_SYNC) == 0 ? 0 : -MP_EIO);
    }
    return MP_OBJ_NEW_SMALL_INT(-MP_EINVAL);
}

#endif // TWIN_ROMFS
