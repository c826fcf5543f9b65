// make bench, 32-bit figures: the heap that importing tinyopenai (and chat and moderations)
// takes in MicroPython's WebAssembly port, a 32-bit build, run under node. That port has no
// sockets, so no client is made. Usage: node wasm_import.mjs MPY_DIR  (prints "IMPORT a b").
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import fs from "fs";
import path from "path";

const dir = process.argv[2];
const mp = await loadMicroPython({ heapsize: 1 << 20, stdout: (line) => console.log(line) });
mp.FS.mkdir("/lib");
mp.FS.mkdir("/lib/tinyopenai");
for (const name of fs.readdirSync(dir)) {
  mp.FS.writeFile("/lib/tinyopenai/" + name, fs.readFileSync(path.join(dir, name)));
}
mp.runPython(`
import gc, sys
sys.path.insert(0, "/lib")
gc.collect(); a = gc.mem_alloc()
import tinyopenai
gc.collect(); b = gc.mem_alloc()
from tinyopenai import chat, moderations
gc.collect(); c = gc.mem_alloc()
print("IMPORT %d %d %d" % (b - a, c - a, 32 if sys.maxsize < 1 << 32 else 64))
`);
