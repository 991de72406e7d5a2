# The optional native AES-256-CTR keystream (native/aes-ctr.cc) and the scanner's block classifier
# and content-rule triggers (native/scan-blocks.cc), built by node-gyp at install.
# It uses the OpenSSL bundled in and exported by the node binary: headers from node-gyp's node
# headers, no libcrypto linked. When it is missing, src/io falls back to node:crypto
# and src/scan to its JS loops.
{
  "targets": [
    {
      "target_name": "cleanslate_aes",
      "sources": ["native/aes-ctr.cc", "native/scan-blocks.cc"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-O3", "-Wall", "-Wextra"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-Wall", "-Wextra"] }
    }
  ]
}
