# The device twin's variant (see mpconfigvariant.h). tools/twin.py passes FROZEN_MANIFEST:
# manifest.py here (the port's own modules), or ../manifest.py for the build with lib/ frozen.
FROZEN_MANIFEST ?= $(VARIANT_DIR)/manifest.py
