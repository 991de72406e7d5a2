// The scanner's exports of the cleanslate_aes addon (native/scan-blocks.cc), added to the module's
// exports by Init in native/aes-ctr.cc.
#pragma once
#define NAPI_VERSION 8
#include <node_api.h>

// Defines classifyBlocks and contentTriggers on exports; napi_ok or the failing status.
napi_status RegisterScanExports(napi_env env, napi_value exports);
