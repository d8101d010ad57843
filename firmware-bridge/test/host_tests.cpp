// Host unit tests of the firmware's portable core (everything but main.c),
// built with g++ and the address/undefined sanitizers. The hal_* functions
// record what the firmware asked of the hardware.
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>

#include "bridge.h"
#include "debounce.h"
#include "frame.h"
#include "vectors.hpp"
#include "wiegand.h"

static int failures = 0, checks = 0;
#define CHECK(cond)                                                      \
  do {                                                                   \
    checks++;                                                            \
    if (!(cond)) {                                                       \
      failures++;                                                        \
      std::fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
    }                                                                    \
  } while (0)

// --- the recording hardware ---
static std::vector<frame_t> written;
static frame_decoder_t written_decoder;
static uint8_t relay_state[BRIDGE_RELAYS], led_state[BRIDGE_READERS], buzzer_state[BRIDGE_READERS];
static int buzzer_rises[BRIDGE_READERS];

extern "C" void hal_write(const uint8_t *bytes, uint8_t len) {
  frame_t f;
  for (uint8_t i = 0; i < len; i++)
    if (frame_decoder_push(&written_decoder, bytes[i], &f)) written.push_back(f);
}
extern "C" void hal_relay(uint8_t relay, uint8_t released) { relay_state[relay] = released; }
extern "C" void hal_led(uint8_t reader, uint8_t colour) { led_state[reader] = colour; }
extern "C" void hal_buzzer(uint8_t reader, uint8_t on) {
  if (on && !buzzer_state[reader]) buzzer_rises[reader]++;
  buzzer_state[reader] = on;
}

static uint32_t now_ms;
static void boot(uint8_t fail_safe = 0) {
  written.clear();
  frame_decoder_init(&written_decoder);
  std::memset(buzzer_rises, 0, sizeof buzzer_rises);
  now_ms = 1000;
  bridge_config_t config = {5000, fail_safe};
  bridge_init(&config, now_ms);
}
static void advance(uint32_t ms) {
  for (uint32_t i = 0; i < ms; i++) bridge_tick(++now_ms);
}
static void receive(const std::vector<uint8_t> &bytes) {
  for (uint8_t b : bytes) bridge_rx(b, now_ms);
}
static std::vector<uint8_t> command(uint8_t type, std::vector<uint8_t> payload, uint8_t seq = 0) {
  uint8_t out[FRAME_MAX_BYTES];
  uint8_t len = frame_encode(type, seq, payload.data(), static_cast<uint8_t>(payload.size()), out);
  return std::vector<uint8_t>(out, out + len);
}
static int count_type(uint8_t type) {
  int n = 0;
  for (auto &f : written) n += f.type == type;
  return n;
}
static const frame_t *last_of(uint8_t type) {
  for (auto it = written.rbegin(); it != written.rend(); ++it)
    if (it->type == type) return &*it;
  return nullptr;
}

// --- the golden vectors ---
static std::vector<uint8_t> payload_of(const Json &m) {
  const std::string type = m["type"].text;
  auto be16 = [](int v) { return std::vector<uint8_t>{uint8_t(v >> 8), uint8_t(v)}; };
  auto cat = [](std::vector<uint8_t> a, const std::vector<uint8_t> &b) { a.insert(a.end(), b.begin(), b.end()); return a; };
  if (type == "hello") {
    int major, minor, patch;
    std::sscanf(m["firmware"].text.c_str(), "%d.%d.%d", &major, &minor, &patch);
    return cat({uint8_t(major), uint8_t(minor), uint8_t(patch), uint8_t(m["readers"].integer()), uint8_t(m["inputs"].integer())},
               cat(be16(m["watchdogMs"].integer()), {uint8_t(m["failMode"].text == "safe")}));
  }
  if (type == "card") {
    const std::string &bits = m["bits"].text;
    std::vector<uint8_t> p{uint8_t(m["reader"].integer()), uint8_t(bits.size())};
    p.resize(2 + (bits.size() + 7) / 8);
    for (size_t i = 0; i < bits.size(); i++)
      if (bits[i] == '1') p[2 + i / 8] |= uint8_t(0x80 >> (i % 8));
    return p;
  }
  if (type == "keypad") return {uint8_t(m["reader"].integer()), uint8_t(m["key"].text[0])};
  if (type == "input") return {uint8_t(m["input"].integer()), uint8_t(m["active"].boolean)};
  if (type == "heartbeat") {
    uint32_t up = uint32_t(m["uptimeS"].number);
    return cat({uint8_t(up >> 24), uint8_t(up >> 16), uint8_t(up >> 8), uint8_t(up)}, be16(m["badFrames"].integer()));
  }
  if (type == "failsafe") {
    uint32_t ms = uint32_t(m["silentMs"].number);
    return {uint8_t(m["relay"].integer()), uint8_t(m["released"].boolean), uint8_t(ms >> 24), uint8_t(ms >> 16), uint8_t(ms >> 8), uint8_t(ms)};
  }
  if (type == "relay") return cat({uint8_t(m["relay"].integer())}, be16(m["ms"].integer()));
  if (type == "led") {
    static const std::map<std::string, uint8_t> colours{{"off", 0}, {"red", 1}, {"green", 2}, {"amber", 3}};
    return cat({uint8_t(m["reader"].integer()), colours.at(m["colour"].text)}, be16(m["ms"].integer()));
  }
  if (type == "buzzer")
    return cat({uint8_t(m["reader"].integer()), uint8_t(m["count"].integer())}, cat(be16(m["onMs"].integer()), be16(m["offMs"].integer())));
  if (type == "ack") return {uint8_t(m["seq"].integer())};
  return {};
}
static const std::map<std::string, uint8_t> TYPES{{"hello", MSG_HELLO}, {"card", MSG_CARD}, {"keypad", MSG_KEYPAD},
                                                  {"input", MSG_INPUT}, {"heartbeat", MSG_HEARTBEAT}, {"failsafe", MSG_FAILSAFE},
                                                  {"relay", MSG_RELAY}, {"led", MSG_LED}, {"buzzer", MSG_BUZZER},
                                                  {"ack", MSG_ACK}, {"ping", MSG_PING}};

static void test_vectors(const Json &doc) {
  auto check = from_hex(doc["crcCheck"]["input"].text);
  CHECK(crc16_ccitt(check.data(), uint8_t(check.size())) == std::stoi(doc["crcCheck"]["crc"].text, nullptr, 16));
  for (const Json &v : doc["vectors"].items) {
    auto golden = from_hex(v["hex"].text);
    auto payload = payload_of(v["message"]);
    uint8_t out[FRAME_MAX_BYTES];
    uint8_t len = frame_encode(TYPES.at(v["message"]["type"].text), golden[3], payload.data(), uint8_t(payload.size()), out);
    bool same = len == golden.size() && std::memcmp(out, golden.data(), len) == 0;
    if (!same) std::fprintf(stderr, "vector '%s' encodes differently\n", v["name"].text.c_str());
    CHECK(same);
    frame_decoder_t d;
    frame_decoder_init(&d);
    frame_t f;
    int frames = 0;
    for (uint8_t b : golden) frames += frame_decoder_push(&d, b, &f);
    CHECK(frames == 1 && f.len == payload.size() && (f.len == 0 || std::memcmp(f.payload, payload.data(), f.len) == 0));
  }
}

static std::vector<uint8_t> vector_hex(const Json &doc, const std::string &type) {
  for (const Json &v : doc["vectors"].items)
    if (v["message"]["type"].text == type) return from_hex(v["hex"].text);
  throw std::runtime_error("no vector of type " + type);
}

static void test_boot_and_gateway_vectors(const Json &doc) {
  boot();
  CHECK(written.size() == 1 && written[0].type == MSG_HELLO);
  uint8_t out[FRAME_MAX_BYTES];
  auto hello = vector_hex(doc, "hello");
  uint8_t len = frame_encode(written[0].type, written[0].seq, written[0].payload, written[0].len, out);
  CHECK(len == hello.size() && std::memcmp(out, hello.data(), len) == 0); // the boot HELLO is the golden one

  receive(vector_hex(doc, "relay")); // relay 0 for 500 ms
  CHECK(count_type(MSG_HELLO) == 2);  // first word from the gateway is answered with HELLO
  CHECK(relay_state[0] == 1 && relay_state[1] == 0);
  advance(499);
  CHECK(relay_state[0] == 1);
  advance(1);
  CHECK(relay_state[0] == 0);

  receive(vector_hex(doc, "led")); // green for 2 s
  CHECK(led_state[0] == LED_GREEN);
  advance(2000);
  CHECK(led_state[0] == LED_OFF);

  receive(vector_hex(doc, "buzzer")); // reader 1: 3 x (100 on, 100 off)
  advance(650);
  CHECK(buzzer_rises[1] == 3 && buzzer_state[1] == 0);
  CHECK(bridge_watchdog_fired() == 0);
}

static void test_events_retry_until_acked() {
  boot();
  receive(command(MSG_PING, {}));
  const uint8_t bits[4] = {0x86, 0x43, 0x83, 0xC0};
  bridge_card(0, bits, 26, now_ms);
  const frame_t card = *last_of(MSG_CARD);
  CHECK(card.len == 6 && card.payload[1] == 26 && std::memcmp(card.payload + 2, bits, 4) == 0);
  advance(450);
  CHECK(count_type(MSG_CARD) == 3); // sent, and re-sent at 200 and 400 ms with the same sequence
  CHECK(written.back().type != MSG_CARD || written.back().seq == card.seq);
  advance(1000);
  CHECK(count_type(MSG_CARD) == 3 && bridge_pending() == 0); // gives up after three tries

  bridge_input(0, 1, now_ms);
  uint8_t seq = last_of(MSG_INPUT)->seq;
  receive(command(MSG_ACK, {seq}));
  advance(1000);
  CHECK(count_type(MSG_INPUT) == 1 && bridge_pending() == 0);

  for (int i = 0; i < BRIDGE_OUTBOX + 2; i++) bridge_keypad(1, '5', now_ms); // a full outbox drops the oldest
  CHECK(bridge_pending() == BRIDGE_OUTBOX);
}

static void test_heartbeat() {
  boot();
  advance(3000);
  CHECK(count_type(MSG_HEARTBEAT) == 3);
  const frame_t *hb = last_of(MSG_HEARTBEAT);
  CHECK(hb->payload[3] == 3);
}

static void test_noise_is_skipped_and_counted() {
  boot();
  std::mt19937 rng(42);
  std::vector<uint8_t> noise(5000);
  for (auto &b : noise) b = uint8_t(rng());
  receive(noise);
  auto relay = command(MSG_RELAY, {1, 0x01, 0x00});
  receive(std::vector<uint8_t>(relay.begin(), relay.begin() + 5)); // a frame torn in the middle...
  receive(relay);                                                  // ...does not hide the next one
  CHECK(relay_state[1] == 1);
  CHECK(bridge_bad_frames() > 0);
  advance(1000);
  CHECK(count_type(MSG_ERROR) >= 1 && last_of(MSG_ERROR)->payload[0] == ERR_BAD_FRAME);
  int errors = count_type(MSG_ERROR);
  receive(noise);
  advance(100);
  CHECK(count_type(MSG_ERROR) <= errors + 1); // at most one report a second
}

static void test_stray_start_does_not_hold_commands() {
  boot();
  receive({0x7E, 0x3F}); // a stray SOF and a LEN of 63: a 67-byte frame that never comes
  receive(command(MSG_RELAY, {0, 0x01, 0x00}));
  CHECK(relay_state[0] == 0); // held inside the bogus frame for now
  advance(FRAME_GAP_MS);
  CHECK(relay_state[0] == 1); // after the gap it is found and obeyed, 20 ms late, not seconds
}

static void test_bad_commands_are_answered() {
  boot();
  receive(command(0x99, {1, 2}));
  CHECK(last_of(MSG_ERROR) && last_of(MSG_ERROR)->payload[0] == ERR_UNKNOWN_TYPE && last_of(MSG_ERROR)->payload[1] == 0x99);
  receive(command(MSG_RELAY, {7, 0, 10})); // no relay 7
  CHECK(last_of(MSG_ERROR)->payload[0] == ERR_BAD_PAYLOAD && relay_state[0] == 0 && relay_state[1] == 0);
  receive(command(MSG_LED, {0, 9, 0, 0})); // no colour 9
  CHECK(last_of(MSG_ERROR)->payload[0] == ERR_BAD_PAYLOAD && last_of(MSG_ERROR)->payload[1] == MSG_LED);
  receive(command(MSG_BUZZER, {0}));
  CHECK(last_of(MSG_ERROR)->payload[1] == MSG_BUZZER);
}

static void test_watchdog(uint8_t fail_safe) {
  boot(fail_safe);
  receive(command(MSG_RELAY, {0, 0xEA, 0x60})); // released for a minute
  CHECK(relay_state[0] == 1);
  advance(4999);
  CHECK(!bridge_watchdog_fired());
  advance(1);
  CHECK(bridge_watchdog_fired());
  CHECK(relay_state[0] == fail_safe && relay_state[1] == fail_safe);
  advance(2000);
  receive(command(MSG_PING, {}));
  CHECK(!bridge_watchdog_fired() && count_type(MSG_FAILSAFE) == 2);
  const frame_t *f = last_of(MSG_FAILSAFE);
  uint32_t silent = uint32_t(f->payload[2]) << 24 | f->payload[3] << 16 | f->payload[4] << 8 | f->payload[5];
  CHECK(f->payload[1] == fail_safe && silent == 7000);
  CHECK(relay_state[0] == 0 && relay_state[1] == 0); // back to rest, the gateway decides again
}

static void test_wiegand() {
  wiegand_t w;
  wiegand_init(&w);
  uint8_t bits[WIEGAND_BYTES], count = 0;
  const char *card = "10000110010000111000001111";
  for (int i = 0; card[i]; i++) wiegand_edge(&w, uint8_t(card[i] - '0'), 100 + uint32_t(i) * 2);
  CHECK(wiegand_take(&w, 150 + 24, bits, &count) == WIEGAND_NONE); // 24 ms after the last edge
  CHECK(wiegand_take(&w, 150 + 25, bits, &count) == WIEGAND_FRAME);
  CHECK(count == 26 && bits[0] == 0x86 && bits[1] == 0x43 && bits[2] == 0x83 && bits[3] == 0xC0);
  CHECK(wiegand_take(&w, 1000, bits, &count) == WIEGAND_NONE);
  for (int i = 0; i < 70; i++) wiegand_edge(&w, 1, 2000);
  CHECK(wiegand_take(&w, 2100, bits, &count) == WIEGAND_TOO_LONG);

  uint8_t four[1] = {0x70}, eight_ok[1] = {0x4B}, eight_bad[1] = {0x3B}, star[1] = {0xA0};
  CHECK(wiegand_key(four, 4) == '7');
  CHECK(wiegand_key(eight_ok, 8) == '#'); // 0100 1011: high nibble is the complement of 11
  CHECK(wiegand_key(eight_bad, 8) == 0);
  CHECK(wiegand_key(star, 4) == '*');
  CHECK(wiegand_key(bits, 26) == 0);
}

static void test_debounce() {
  debounce_t d;
  debounce_init(&d);
  int reports = 0;
  uint32_t t = 0;
  for (; t < 30; t++) reports += debounce_sample(&d, 0, t); // first stable level is reported
  CHECK(reports == 1 && d.stable == 0);
  for (int bounce = 0; bounce < 10; bounce++) reports += debounce_sample(&d, bounce & 1, t++);
  for (int i = 0; i < 19; i++) reports += debounce_sample(&d, 1, t++);
  CHECK(reports == 1);
  for (int i = 0; i < 5; i++) reports += debounce_sample(&d, 1, t++);
  CHECK(reports == 2 && d.stable == 1);
}

int main(int argc, char **argv) {
  try {
    Json doc = read_json_file(argc > 1 ? argv[1] : "vectors/frames.json");
    test_vectors(doc);
    test_boot_and_gateway_vectors(doc);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "vectors: %s\n", e.what());
    failures++;
  }
  test_events_retry_until_acked();
  test_heartbeat();
  test_noise_is_skipped_and_counted();
  test_bad_commands_are_answered();
  test_stray_start_does_not_hold_commands();
  test_watchdog(0);
  test_watchdog(1);
  test_wiegand();
  test_debounce();
  std::printf("firmware host tests: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
