# What the twin freezes besides our code: the Unix port's standard modules (asyncio, ssl, ...) and
# micropython-lib's requests, which a stock ESP32 image carries too (bundle-networking). The
# benchmark's baseline (requests + .json()) uses it.
include("$(PORT_DIR)/variants/standard/manifest.py")
require("requests")
