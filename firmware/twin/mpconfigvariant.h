// The device twin: MicroPython v1.28.0's Unix port, built for i686 by tools/twin.py. It is the
// standard variant (the feature level an ESP32 build has) on a 32-bit machine, so objects and
// heap blocks have the board's sizes. TWIN_ROMFS=1 (the romfs build) adds a ROMFS partition
// backed by a file, see romfs_partition.c.
#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)

#include "variants/mpconfigvariant_common.h"

#if TWIN_ROMFS
#undef MICROPY_VFS_ROM_IOCTL
#define MICROPY_VFS_ROM_IOCTL (1)
#endif
