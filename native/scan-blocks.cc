// The scanner's hot loops (src/scan/native-scan.ts), byte for byte the decisions of their JS
// versions in src/scan/classify.ts and src/scan/content-rules.ts:
//
//   classifyBlocks(buf, blockSize, mask, out)        for each block i of buf (the last may be
//       short) with mask[i] != 0: out[i] = 1 all zero, 2 all 0xFF, 3 high-entropy (isHighEntropy's
//       chi-square rule), 4 other; out[i] = 0 where mask[i] == 0.
//   contentTriggers(buf, from, to, trigger, out)     writes to the Int32Array out, in increasing
//       order, the positions in [from, to) where a content rule's trigger fires (see Trigger); stops
//       when out is full and returns how many it wrote.
//
// Both are synchronous, allocate nothing and only read buf.
#include "scan-blocks.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

// The content-rule triggers, numbered as TRIGGER_IDS in src/scan/content-rules.ts.
enum Trigger : unsigned {
  kPemBegin = 0,  // "-----BEGIN " (all 11 bytes inside buf)
  kAwsPrefix,     // 'A', then one of "KSGIRN", any byte, 'A'
  kJwtHeader,     // "eyJ" not preceded by a base64url character
  kEmailAt,       // '@' after an RFC 5322 atext character and before a letter or digit
  kCardDigits,    // a digit at an index = 0 mod 4 whose digit run may be a card number (stride scan)
  kTriggerCount,
};

constexpr uint8_t kClassZero = 1, kClassOnes = 2, kClassHighEntropy = 3, kClassOther = 4;

struct Tables {
  bool atext[256] = {};
  bool alnum[256] = {};
  bool base64url[256] = {};
  bool awsSecond[256] = {};
  Tables() {
    for (int b = 0; b < 256; b++) {
      const bool isAlnum = (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
      alnum[b] = isAlnum;
      base64url[b] = isAlnum || b == '-' || b == '_';
      atext[b] = isAlnum || (b != 0 && std::strchr("!#$%&'*+/=?^_`{|}~-", b) != nullptr);
    }
    for (const char* c = "KSGIRN"; *c != '\0'; c++) awsSecond[static_cast<uint8_t>(*c)] = true;
  }
};
const Tables kTables;

bool IsDigit(uint8_t b) { return static_cast<uint8_t>(b - '0') < 10; }

bool AllEqual(const uint8_t* data, size_t length, uint8_t value) {
  uint64_t word;
  std::memset(&word, value, 8);
  uint64_t diff = 0;
  size_t at = 0;
  for (; at + 8 <= length; at += 8) {
    uint64_t got;
    std::memcpy(&got, data + at, 8);
    diff |= got ^ word;
  }
  for (; at < length; at++) diff |= data[at] ^ value;
  return diff == 0;
}

uint64_t SumSquares(const uint32_t (&h)[4][256]) {
  uint64_t sum = 0;
  for (int b = 0; b < 256; b++) {
    const uint64_t c = static_cast<uint64_t>(h[0][b]) + h[1][b] + h[2][b] + h[3][b];
    sum += c * c;
  }
  return sum;
}

// (256 * sumSquares) / n - n in doubles, as the JS computes it: the sums are exact integers (at
// most n^2 < 2^53), so this is the JS value whatever the order of the histogram updates.
double ChiSquare(uint64_t sumSquares, size_t n) {
  const double count = static_cast<double>(n);
  return (256.0 * static_cast<double>(sumSquares)) / count - count;
}

// Adds data[from, to) to four interleaved histograms, reading 8 bytes at a time (about 1.3x faster
// than byte loads; the order of the updates does not change the sums).
void CountBytes(const uint8_t* data, size_t from, size_t to, uint32_t (&h)[4][256]) {
  size_t i = from;
  for (; i + 8 <= to; i += 8) {
    uint64_t w;
    std::memcpy(&w, data + i, 8);
    h[0][w & 255]++;
    h[1][(w >> 8) & 255]++;
    h[2][(w >> 16) & 255]++;
    h[3][(w >> 24) & 255]++;
    h[0][(w >> 32) & 255]++;
    h[1][(w >> 40) & 255]++;
    h[2][(w >> 48) & 255]++;
    h[3][w >> 56]++;
  }
  for (; i < to; i++) h[0][data[i]]++;
}

// isHighEntropy of src/scan/classify.ts: chi-square of the byte histogram against uniform in
// [150, 400]; false below 1024 bytes. Counts only grow, so when the first half already puts the
// chi-square above 400 (text, code, metadata) the whole block does too (IEEE rounding is
// monotone): the decision is the JS one, in half the work for most non-random blocks.
bool IsHighEntropy(const uint8_t* data, size_t n) {
  if (n < 1024) return false;
  uint32_t h[4][256] = {};
  const size_t half = n / 2;
  CountBytes(data, 0, half, h);
  if (ChiSquare(SumSquares(h), n) > 400) return false;
  CountBytes(data, half, n, h);
  const double chiSquare = ChiSquare(SumSquares(h), n);
  return chiSquare >= 150 && chiSquare <= 400;
}

uint8_t ClassifyBlock(const uint8_t* data, size_t n) {
  if (AllEqual(data, n, 0x00)) return kClassZero;
  if (AllEqual(data, n, 0xff)) return kClassOnes;
  return IsHighEntropy(data, n) ? kClassHighEntropy : kClassOther;
}

// Collects trigger positions into out until it is full.
struct Sink {
  int32_t* out;
  size_t capacity;
  size_t count = 0;
  bool Push(size_t at) {
    out[count++] = static_cast<int32_t>(at);
    return count < capacity;
  }
};

// Positions p in [from, to) where needle (with p + size <= len) starts, found by memchr on the
// needle's byte at `pivot` (its rarest byte in text).
void FindLiteral(const uint8_t* buf, size_t len, size_t from, size_t to, const char* needle, size_t size,
                 size_t pivot, bool (*accept)(const uint8_t*, size_t), Sink* sink) {
  if (len < size) return;
  const size_t lastStart = to < len - size + 1 ? to : len - size + 1;  // exclusive
  size_t at = from;
  while (at < lastStart) {
    const void* hit = std::memchr(buf + at + pivot, needle[pivot], lastStart - at);
    if (hit == nullptr) return;
    const size_t p = static_cast<size_t>(static_cast<const uint8_t*>(hit) - buf) - pivot;
    if (std::memcmp(buf + p, needle, size) == 0 && (accept == nullptr || accept(buf, p)) && !sink->Push(p)) return;
    at = p + 1;
  }
}

bool JwtStartsHere(const uint8_t* buf, size_t p) { return p == 0 || !kTables.base64url[buf[p - 1]]; }

// Positions of `byte` in [from, to) accepted by accept(buf, len, p).
void FindByte(const uint8_t* buf, size_t len, size_t from, size_t to, uint8_t byte,
              bool (*accept)(const uint8_t*, size_t, size_t), Sink* sink) {
  size_t at = from;
  while (at < to) {
    const void* hit = std::memchr(buf + at, byte, to - at);
    if (hit == nullptr) return;
    const size_t p = static_cast<size_t>(static_cast<const uint8_t*>(hit) - buf);
    if (accept(buf, len, p) && !sink->Push(p)) return;
    at = p + 1;
  }
}

bool AwsAt(const uint8_t* buf, size_t len, size_t p) {
  return p + 3 < len && kTables.awsSecond[buf[p + 1]] && buf[p + 3] == 'A';
}

bool EmailAt(const uint8_t* buf, size_t len, size_t p) {
  return p > 0 && kTables.atext[buf[p - 1]] && p + 1 < len && kTables.alnum[buf[p + 1]];
}

size_t RoundUp4(size_t n) { return (n + 3) & ~static_cast<size_t>(3); }

// Per byte of x, the high bit set when the byte is an ASCII digit (Bit Twiddling Hacks'
// hasbetween(x, '0' - 1, '9' + 1): no carry crosses a byte).
uint64_t DigitBytes(uint64_t x) {
  constexpr uint64_t kOnes = ~static_cast<uint64_t>(0) / 255;
  const uint64_t low7 = x & (kOnes * 127);
  return ((kOnes * (127 + '9' + 1) - low7) & ~x & (low7 + kOnes * (127 - ('0' - 1)))) & (kOnes * 128);
}

// The high bits of bytes 0 and 4 of a word loaded with memcpy, whatever the byte order.
uint64_t StrideMask() {
  const uint8_t bytes[8] = {0x80, 0, 0, 0, 0x80, 0, 0, 0};
  uint64_t mask;
  std::memcpy(&mask, bytes, 8);
  return mask;
}
const uint64_t kStrideMask = StrideMask();

// Whether none of buf[i], buf[i + 4], buf[i + 8], buf[i + 12] is a digit.
bool NoStrideDigit(const uint8_t* buf, size_t i) {
  uint64_t a, b;
  std::memcpy(&a, buf + i, 8);
  std::memcpy(&b, buf + i + 8, 8);
  return ((DigitBytes(a) | DigitBytes(b)) & kStrideMask) == 0;
}

// Whether parseCard could accept the digit run buf[s, next) (it returns null otherwise), and
// isCardStart(s) holds: 13..19 digits not followed by a letter or digit, or 4 digits followed by a
// space or hyphen and a digit (a grouped number); not the tail of a longer run or grouped number.
bool MayBeCard(const uint8_t* buf, size_t len, size_t s, size_t next) {
  const size_t run = next - s;
  const bool plain = run >= 13 && run <= 19 && (next == len || !kTables.alnum[buf[next]]);
  const bool grouped =
      run == 4 && next + 1 < len && (buf[next] == ' ' || buf[next] == '-') && IsDigit(buf[next + 1]);
  if (!plain && !grouped) return false;
  if (s == 0) return true;
  const uint8_t prev = buf[s - 1];
  if (kTables.alnum[prev]) return false;
  return !((prev == ' ' || prev == '-' || prev == '.') && s >= 2 && IsDigit(buf[s - 2]));
}

// scanCards' stride: every index = 0 mod 4 holding a digit, then on to the first such index past
// its digit run; reported when the run may be a card number (MayBeCard), four indexes per test
// where none holds a digit.
void FindCardDigits(const uint8_t* buf, size_t len, size_t from, size_t to, Sink* sink) {
  size_t i = RoundUp4(from);
  while (i < to) {
    if (i + 16 <= to && NoStrideDigit(buf, i)) {
      i += 16;
      continue;
    }
    if (!IsDigit(buf[i])) {
      i += 4;
      continue;
    }
    size_t s = i;
    while (s > 0 && IsDigit(buf[s - 1])) s--;
    size_t next = i + 1;
    while (next < len && IsDigit(buf[next])) next++;
    if (MayBeCard(buf, len, s, next) && !sink->Push(i)) return;
    i = RoundUp4(next);
  }
}

void FindTriggers(const uint8_t* buf, size_t len, size_t from, size_t to, unsigned trigger, Sink* sink) {
  switch (trigger) {
    case kPemBegin:
      return FindLiteral(buf, len, from, to, "-----BEGIN ", 11, 7, nullptr, sink);
    case kAwsPrefix:
      return FindByte(buf, len, from, to, 'A', AwsAt, sink);
    case kJwtHeader:
      return FindLiteral(buf, len, from, to, "eyJ", 3, 2, JwtStartsHere, sink);
    case kEmailAt:
      return FindByte(buf, len, from, to, '@', EmailAt, sink);
    default:
      return FindCardDigits(buf, len, from, to, sink);
  }
}

// ---------------------------------------------------------------- arguments

napi_value ThrowType(napi_env env, const char* message) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message);
  return nullptr;
}

napi_value ThrowRange(napi_env env, const char* message) {
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", message);
  return nullptr;
}

// A typed array of `type`: its data (adjusted by byteOffset) and element count; false otherwise.
bool GetTyped(napi_env env, napi_value value, napi_typedarray_type want, void** data, size_t* length) {
  bool isTyped = false;
  if (napi_is_typedarray(env, value, &isTyped) != napi_ok || !isTyped) return false;
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, value, &type, length, data, nullptr, nullptr) != napi_ok) return false;
  return type == want && (*length == 0 || *data != nullptr);
}

// A number that is an integer in [min, max].
bool GetInteger(napi_env env, napi_value value, double min, double max, size_t* out) {
  napi_valuetype kind;
  double number = 0;
  if (napi_typeof(env, value, &kind) != napi_ok || kind != napi_number ||
      napi_get_value_double(env, value, &number) != napi_ok || !(number >= min && number <= max) ||
      number != std::floor(number)) {
    return false;
  }
  *out = static_cast<size_t>(number);
  return true;
}

napi_value ClassifyBlocks(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (argc != 4) return ThrowType(env, "expected (buf, blockSize, mask, out)");
  void *raw = nullptr, *maskRaw = nullptr, *outRaw = nullptr;
  size_t len = 0, maskLength = 0, outLength = 0, blockSize = 0;
  if (!GetTyped(env, argv[0], napi_uint8_array, &raw, &len)) return ThrowType(env, "buf must be a Uint8Array");
  if (!GetInteger(env, argv[1], 1, 1 << 30, &blockSize)) return ThrowRange(env, "blockSize must be 1 to 2^30");
  if (!GetTyped(env, argv[2], napi_uint8_array, &maskRaw, &maskLength) ||
      !GetTyped(env, argv[3], napi_uint8_array, &outRaw, &outLength)) {
    return ThrowType(env, "mask and out must be Uint8Arrays");
  }
  const size_t blocks = (len + blockSize - 1) / blockSize;
  if (maskLength < blocks || outLength < blocks) return ThrowRange(env, "mask and out need one byte per block");
  const uint8_t* data = static_cast<const uint8_t*>(raw);
  const uint8_t* mask = static_cast<const uint8_t*>(maskRaw);
  uint8_t* out = static_cast<uint8_t*>(outRaw);
  for (size_t i = 0; i < blocks; i++) {
    const size_t start = i * blockSize;
    const size_t n = len - start < blockSize ? len - start : blockSize;
    out[i] = mask[i] != 0 ? ClassifyBlock(data + start, n) : 0;
  }
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

napi_value ContentTriggers(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (argc != 5) return ThrowType(env, "expected (buf, from, to, trigger, out)");
  void *raw = nullptr, *outRaw = nullptr;
  size_t len = 0, from = 0, to = 0, trigger = 0, capacity = 0;
  if (!GetTyped(env, argv[0], napi_uint8_array, &raw, &len)) return ThrowType(env, "buf must be a Uint8Array");
  if (len > INT32_MAX) return ThrowRange(env, "buf must be shorter than 2^31 bytes");
  if (!GetInteger(env, argv[2], 0, static_cast<double>(len), &to) ||
      !GetInteger(env, argv[1], 0, static_cast<double>(to), &from)) {
    return ThrowRange(env, "from and to must be integers with 0 <= from <= to <= buf.length");
  }
  if (!GetInteger(env, argv[3], 0, kTriggerCount - 1, &trigger)) return ThrowRange(env, "unknown trigger");
  if (!GetTyped(env, argv[4], napi_int32_array, &outRaw, &capacity) || capacity == 0) {
    return ThrowType(env, "out must be a non-empty Int32Array");
  }
  Sink sink{static_cast<int32_t*>(outRaw), capacity};
  FindTriggers(static_cast<const uint8_t*>(raw), len, from, to, static_cast<unsigned>(trigger), &sink);
  napi_value result;
  napi_create_uint32(env, static_cast<uint32_t>(sink.count), &result);
  return result;
}

}  // namespace

napi_status RegisterScanExports(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
      {"classifyBlocks", nullptr, ClassifyBlocks, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"contentTriggers", nullptr, ContentTriggers, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
}
