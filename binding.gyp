# The optional native AES-256-CTR keystream (native/aes-ctr.cc), built by node-gyp at install.
# It uses the OpenSSL bundled in and exported by the node binary: headers from node-gyp's node
# headers, no libcrypto linked. When it is missing, src/io falls back to node:crypto.
{
  "targets": [
    {
      "target_name": "cleanslate_aes",
      "sources": ["native/aes-ctr.cc"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-O3", "-Wall", "-Wextra"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-Wall", "-Wextra"] }
    }
  ]
}
