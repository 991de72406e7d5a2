// cleanslate_aes: the AES-256-CTR keystream of a random pass, written in place into caller memory,
// and the compare a verify needs, on the libuv threadpool. Loaded by src/io/native-addon.ts.
//
// Node's cipher.update() allocates, zero-fills and returns a new buffer per call, which the engine
// then copies into its O_DIRECT buffer; this addon runs OpenSSL's EVP aes-256-ctr (the OpenSSL
// bundled in and exported by the node binary: nothing is linked here) straight into a Uint8Array.
// The output is byte-for-byte what createCipheriv('aes-256-ctr', key, counter).update(zeros) returns.
//
// Exports (all validate their arguments and never write outside `buf`):
//   fill(key, counter, skip, buf)              buf = keystream[skip, skip + buf.length)
//   fillAsync(key, counter, skip, buf)         same on the threadpool; Promise<void>
//   matchesKeystream(key, counter, skip, buf)  whether buf holds exactly the keystream; buf is not changed
//   matchesKeystreamAsync(key, counter, skip, buf)  same on the threadpool; Promise<boolean>
//   matchesTileAsync(buf, tile)                whether buf[i] == tile[i % tile.length] for all i; Promise<boolean>
//   classifyBlocks, contentTriggers            the scanner's hot loops: native/scan-blocks.cc
// key: Uint8Array(32); counter: Uint8Array(16), the initial counter block (incremented as a 128-bit
// big-endian integer); skip: 0..15 keystream bytes dropped first (offsets that are not multiples of
// 16); buf: any Uint8Array (Buffer too), any length. The async variants copy key and counter and
// hold references to buf (and tile) until they settle: the caller MUST NOT detach their
// ArrayBuffers (transfer them) nor read or write buf until then.
#define NAPI_VERSION 8
#include <node_api.h>
#include <openssl/evp.h>

#include "scan-blocks.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kBlockBytes = 16;
// EVP_EncryptUpdate takes an int length: feed it 64 KiB pieces (an L2-sized input of zeros).
constexpr size_t kPieceBytes = 64 * 1024;
alignas(64) const uint8_t kZeros[kPieceBytes] = {};

enum class Mode { kFill, kMatches };

// kMatches generates the keystream into an L1-sized scratch and compares: the data is only read,
// so a verify leaves no dirty cache lines to write back (XOR in place and a zero check measured 7%
// slower per core, and wrote every byte), and it stops at the first piece that differs.
constexpr size_t kCompareBytes = 16 * 1024;

const EVP_CIPHER* Cipher() {
  // Fetched once (thread-safe static init) and shared: avoids an implicit fetch per context.
  static const EVP_CIPHER* cipher = [] {
    const EVP_CIPHER* fetched = EVP_CIPHER_fetch(nullptr, "AES-256-CTR", nullptr);
    return fetched != nullptr ? fetched : EVP_aes_256_ctr();
  }();
  return cipher;
}

// Fills data with the keystream (kFill), or reports in *matches whether data holds exactly it (kMatches).
bool Run(Mode mode, const uint8_t* key, const uint8_t* counter, unsigned skip, uint8_t* data, size_t length,
         bool* matches) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return false;
  bool ok = EVP_EncryptInit_ex(ctx, Cipher(), nullptr, key, counter) == 1;
  int written = 0;
  if (ok && skip > 0) {
    uint8_t scratch[kBlockBytes];
    ok = EVP_EncryptUpdate(ctx, scratch, &written, kZeros, static_cast<int>(skip)) == 1;
  }
  bool same = true;
  if (mode == Mode::kMatches) {
    alignas(64) uint8_t expected[kCompareBytes];
    for (size_t at = 0; ok && same && at < length; at += kCompareBytes) {
      const size_t n = length - at < kCompareBytes ? length - at : kCompareBytes;
      ok = EVP_EncryptUpdate(ctx, expected, &written, kZeros, static_cast<int>(n)) == 1 &&
           static_cast<size_t>(written) == n;
      same = ok && std::memcmp(expected, data + at, n) == 0;
    }
  } else {
    for (size_t at = 0; ok && at < length; at += kPieceBytes) {
      const size_t n = length - at < kPieceBytes ? length - at : kPieceBytes;
      ok = EVP_EncryptUpdate(ctx, data + at, &written, kZeros, static_cast<int>(n)) == 1 &&
           static_cast<size_t>(written) == n;
    }
  }
  EVP_CIPHER_CTX_free(ctx);
  *matches = same;
  return ok;
}

struct Args {
  uint8_t key[kKeyBytes];
  uint8_t counter[kBlockBytes];
  unsigned skip;
  uint8_t* data;
  size_t length;
};

napi_value Throw(napi_env env, bool range, const char* code, const char* message) {
  if (range)
    napi_throw_range_error(env, code, message);
  else
    napi_throw_type_error(env, code, message);
  return nullptr;
}

// A Uint8Array (or Buffer) argument: its data (already adjusted by byteOffset) and length.
bool GetBytes(napi_env env, napi_value value, uint8_t** data, size_t* length) {
  bool isTyped = false;
  if (napi_is_typedarray(env, value, &isTyped) != napi_ok || !isTyped) return false;
  napi_typedarray_type type;
  void* raw = nullptr;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, nullptr, nullptr) != napi_ok) return false;
  if (type != napi_uint8_array) return false;
  *data = static_cast<uint8_t*>(raw);
  return true;
}

// Validates (key, counter, skip, buf); throws and returns false when any is wrong.
bool ParseArgs(napi_env env, napi_callback_info info, Args* out, napi_value* buf) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  if (argc != 4) {
    Throw(env, false, "ERR_INVALID_ARG_TYPE", "expected (key, counter, skip, buf)");
    return false;
  }
  uint8_t* bytes = nullptr;
  size_t n = 0;
  if (!GetBytes(env, argv[0], &bytes, &n) || n != kKeyBytes) {
    Throw(env, false, "ERR_INVALID_ARG_TYPE", "key must be a Uint8Array of 32 bytes");
    return false;
  }
  std::memcpy(out->key, bytes, kKeyBytes);
  if (!GetBytes(env, argv[1], &bytes, &n) || n != kBlockBytes) {
    Throw(env, false, "ERR_INVALID_ARG_TYPE", "counter must be a Uint8Array of 16 bytes");
    return false;
  }
  std::memcpy(out->counter, bytes, kBlockBytes);
  napi_valuetype kind;
  double skip = -1;
  if (napi_typeof(env, argv[2], &kind) != napi_ok || kind != napi_number ||
      napi_get_value_double(env, argv[2], &skip) != napi_ok || !(skip >= 0 && skip < kBlockBytes) ||
      skip != static_cast<double>(static_cast<unsigned>(skip))) {
    Throw(env, true, "ERR_OUT_OF_RANGE", "skip must be an integer from 0 to 15");
    return false;
  }
  out->skip = static_cast<unsigned>(skip);
  if (!GetBytes(env, argv[3], &out->data, &out->length)) {
    Throw(env, false, "ERR_INVALID_ARG_TYPE", "buf must be a Uint8Array");
    return false;
  }
  if (out->length > 0 && out->data == nullptr) {
    Throw(env, false, "ERR_INVALID_ARG_TYPE", "buf has no memory (detached?)");
    return false;
  }
  *buf = argv[3];
  return true;
}

napi_value RunSync(napi_env env, napi_callback_info info, Mode mode) {
  Args args;
  napi_value buf;
  if (!ParseArgs(env, info, &args, &buf)) return nullptr;
  bool matches = true;
  if (!Run(mode, args.key, args.counter, args.skip, args.data, args.length, &matches)) {
    napi_throw_error(env, "ERR_CRYPTO_OPERATION_FAILED", "OpenSSL aes-256-ctr failed");
    return nullptr;
  }
  napi_value result;
  if (mode == Mode::kFill)
    napi_get_undefined(env, &result);
  else
    napi_get_boolean(env, matches, &result);
  return result;
}

struct Job {
  Args args;
  Mode mode;
  bool ok = false;
  bool matches = true;
  napi_ref keep = nullptr;  // holds buf (and so its memory) until the job settles
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;
};

void Execute(napi_env, void* data) {
  Job* job = static_cast<Job*>(data);
  job->ok = Run(job->mode, job->args.key, job->args.counter, job->args.skip, job->args.data, job->args.length,
                &job->matches);
}

void Complete(napi_env env, napi_status status, void* data) {
  Job* job = static_cast<Job*>(data);
  napi_value value;
  if (status == napi_ok && job->ok) {
    if (job->mode == Mode::kFill)
      napi_get_undefined(env, &value);
    else
      napi_get_boolean(env, job->matches, &value);
    napi_resolve_deferred(env, job->deferred, value);
  } else {
    napi_value code, message;
    napi_create_string_utf8(env, "ERR_CRYPTO_OPERATION_FAILED", NAPI_AUTO_LENGTH, &code);
    napi_create_string_utf8(env, status == napi_ok ? "OpenSSL aes-256-ctr failed" : "aes-256-ctr job cancelled",
                            NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, code, message, &value);
    napi_reject_deferred(env, job->deferred, value);
  }
  napi_delete_reference(env, job->keep);
  napi_delete_async_work(env, job->work);
  delete job;
}

napi_value RunAsync(napi_env env, napi_callback_info info, Mode mode) {
  Job* job = new Job();
  job->mode = mode;
  napi_value buf, promise, name;
  if (!ParseArgs(env, info, &job->args, &buf)) {
    delete job;
    return nullptr;
  }
  if (napi_create_reference(env, buf, 1, &job->keep) != napi_ok) {
    delete job;
    return nullptr;
  }
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "cleanslate:aes-256-ctr", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, nullptr, name, Execute, Complete, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    // A created promise without a queued job is left pending; the thrown error is what the caller sees.
    if (job->work != nullptr) napi_delete_async_work(env, job->work);
    napi_delete_reference(env, job->keep);
    delete job;
    napi_throw_error(env, "ERR_INTERNAL", "could not queue an aes-256-ctr job");
    return nullptr;
  }
  return promise;
}

// matchesTileAsync(buf, tile): whether buf[i] == tile[i % tile.length] for every i, on the threadpool
// (a fixed-pattern verify: the JS thread only dispatches reads while the pool compares).
struct TileJob {
  const uint8_t* data;
  size_t length;
  const uint8_t* tile;
  size_t tileLength;
  bool equal = false;
  napi_ref keepBuf = nullptr;
  napi_ref keepTile = nullptr;
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;
};

void ExecuteTile(napi_env, void* data) {
  TileJob* job = static_cast<TileJob*>(data);
  bool equal = true;
  for (size_t at = 0; equal && at < job->length; at += job->tileLength) {
    const size_t n = job->length - at < job->tileLength ? job->length - at : job->tileLength;
    equal = std::memcmp(job->data + at, job->tile, n) == 0;
  }
  job->equal = equal;
}

void CompleteTile(napi_env env, napi_status status, void* data) {
  TileJob* job = static_cast<TileJob*>(data);
  napi_value value;
  if (status == napi_ok) {
    napi_get_boolean(env, job->equal, &value);
    napi_resolve_deferred(env, job->deferred, value);
  } else {
    napi_value code, message;
    napi_create_string_utf8(env, "ERR_INTERNAL", NAPI_AUTO_LENGTH, &code);
    napi_create_string_utf8(env, "compare job cancelled", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, code, message, &value);
    napi_reject_deferred(env, job->deferred, value);
  }
  napi_delete_reference(env, job->keepBuf);
  napi_delete_reference(env, job->keepTile);
  napi_delete_async_work(env, job->work);
  delete job;
}

napi_value MatchesTileAsync(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  TileJob* job = new TileJob();
  uint8_t* bytes = nullptr;
  if (argc != 2 || !GetBytes(env, argv[0], &bytes, &job->length) || (job->length > 0 && bytes == nullptr)) {
    delete job;
    return Throw(env, false, "ERR_INVALID_ARG_TYPE", "buf must be a Uint8Array");
  }
  job->data = bytes;
  if (!GetBytes(env, argv[1], &bytes, &job->tileLength) || job->tileLength == 0 || bytes == nullptr) {
    delete job;
    return Throw(env, false, "ERR_INVALID_ARG_TYPE", "tile must be a non-empty Uint8Array");
  }
  job->tile = bytes;
  napi_value promise, name;
  if (napi_create_reference(env, argv[0], 1, &job->keepBuf) != napi_ok ||
      napi_create_reference(env, argv[1], 1, &job->keepTile) != napi_ok ||
      napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "cleanslate:compare", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, nullptr, name, ExecuteTile, CompleteTile, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    if (job->work != nullptr) napi_delete_async_work(env, job->work);
    if (job->keepBuf != nullptr) napi_delete_reference(env, job->keepBuf);
    if (job->keepTile != nullptr) napi_delete_reference(env, job->keepTile);
    delete job;
    napi_throw_error(env, "ERR_INTERNAL", "could not queue a compare job");
    return nullptr;
  }
  return promise;
}

napi_value Fill(napi_env env, napi_callback_info info) { return RunSync(env, info, Mode::kFill); }
napi_value FillAsync(napi_env env, napi_callback_info info) { return RunAsync(env, info, Mode::kFill); }
napi_value MatchesKeystream(napi_env env, napi_callback_info info) { return RunSync(env, info, Mode::kMatches); }
napi_value MatchesKeystreamAsync(napi_env env, napi_callback_info info) {
  return RunAsync(env, info, Mode::kMatches);
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
      {"fill", nullptr, Fill, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"fillAsync", nullptr, FillAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"matchesKeystream", nullptr, MatchesKeystream, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"matchesKeystreamAsync", nullptr, MatchesKeystreamAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"matchesTileAsync", nullptr, MatchesTileAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties) != napi_ok ||
      RegisterScanExports(env, exports) != napi_ok)
    return nullptr;
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
