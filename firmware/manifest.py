# The one list of what of ours is frozen into firmware, for an ESP32 board and for the Unix twin:
# the bytecode then runs from flash and costs no heap to import. Paths are relative to this file.
#   board: make -C ports/esp32 BOARD=ESP32_GENERIC FROZEN_MANIFEST=/path/to/firmware/manifest.py
#   twin:  make twin (tools/twin.py includes this file with unix=True after the twin's own base)
if options.unix:
    include("twin/manifest.py")
else:
    include("$(PORT_DIR)/boards/manifest.py")
package("tinyopenai", base_path="../lib", opt=3)
module("board.py", base_path="../lib", opt=3)
module("devconfig.py", base_path="../lib", opt=3)
module("readingq.py", base_path="../lib", opt=3)
