# Freeze tinyopenai and the device modules into a MicroPython firmware image: their bytecode then
# runs from flash and costs no heap to import. Paths are relative to this file.
#   make -C ports/esp32 BOARD=ESP32_GENERIC FROZEN_MANIFEST=/path/to/tinyopenai/firmware/manifest.py
include("$(PORT_DIR)/boards/manifest.py")
package("tinyopenai", base_path="../lib", opt=3)
module("board.py", base_path="../lib", opt=3)
module("devconfig.py", base_path="../lib", opt=3)
module("readingq.py", base_path="../lib", opt=3)
