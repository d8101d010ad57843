#include "bridge.h"

#include <string.h>

#include "frame.h"
#include "wiegand.h"

/* An event the gateway must acknowledge; re-sent with the same sequence
 * number so the gateway can tell a retry from a second card read. */
typedef struct {
  uint8_t bytes[FRAME_MAX_BYTES];
  uint8_t len, seq, tries;
  uint32_t next_ms;
} pending_t;

typedef struct {
  uint8_t active;
  uint32_t until_ms;
} timed_t;

typedef struct {
  uint8_t on, remaining;
  uint16_t on_ms, off_ms;
  uint32_t next_ms;
} buzzer_t;

static struct {
  bridge_config_t config;
  frame_decoder_t decoder;
  uint8_t seq;
  pending_t outbox[BRIDGE_OUTBOX];
  timed_t relay[BRIDGE_RELAYS];
  timed_t led[BRIDGE_READERS];
  buzzer_t buzzer[BRIDGE_READERS];
  uint32_t boot_ms, last_heartbeat_ms, last_heard_ms, last_error_ms, last_byte_ms;
  uint8_t heard_since_boot, watchdog_fired;
  uint16_t reported_bad;
} s;

static void send(uint8_t type, const uint8_t *payload, uint8_t len) {
  uint8_t out[FRAME_MAX_BYTES];
  hal_write(out, frame_encode(type, s.seq++, payload, len, out));
}

/* Queues an event for acknowledgement; when the outbox is full the oldest
 * event gives way, since a newer card or input state matters more. */
static void send_reliably(uint8_t type, const uint8_t *payload, uint8_t len, uint32_t now_ms) {
  pending_t *slot = &s.outbox[0];
  for (uint8_t i = 0; i < BRIDGE_OUTBOX; i++) {
    if (s.outbox[i].tries == 0) {
      slot = &s.outbox[i];
      break;
    }
    if ((int32_t)(s.outbox[i].next_ms - slot->next_ms) < 0) slot = &s.outbox[i];
  }
  slot->seq = s.seq++;
  slot->len = frame_encode(type, slot->seq, payload, len, slot->bytes);
  slot->tries = 1;
  slot->next_ms = now_ms + BRIDGE_RETRY_MS;
  hal_write(slot->bytes, slot->len);
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static void send_hello(void) {
  uint8_t p[8] = {BRIDGE_VERSION_MAJOR,
                  BRIDGE_VERSION_MINOR,
                  BRIDGE_VERSION_PATCH,
                  BRIDGE_READERS,
                  BRIDGE_INPUTS,
                  (uint8_t)(s.config.watchdog_ms >> 8),
                  (uint8_t)s.config.watchdog_ms,
                  s.config.fail_safe};
  send(MSG_HELLO, p, sizeof p);
}

static void set_relay(uint8_t i, uint8_t released, uint32_t until_ms) {
  s.relay[i].active = released;
  s.relay[i].until_ms = until_ms;
  hal_relay(i, released);
}

void bridge_init(const bridge_config_t *config, uint32_t now_ms) {
  memset(&s, 0, sizeof s);
  s.config = *config;
  frame_decoder_init(&s.decoder);
  s.boot_ms = s.last_heartbeat_ms = s.last_heard_ms = now_ms;
  for (uint8_t i = 0; i < BRIDGE_RELAYS; i++) set_relay(i, 0, 0);
  for (uint8_t i = 0; i < BRIDGE_READERS; i++) {
    hal_led(i, LED_OFF);
    hal_buzzer(i, 0);
  }
  send_hello();
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }

static void gateway_heard(uint32_t now_ms) {
  if (s.watchdog_fired) {
    /* Tell the gateway what it missed, then give it the relays back at rest. */
    uint8_t p[6];
    for (uint8_t i = 0; i < BRIDGE_RELAYS; i++) {
      p[0] = i;
      p[1] = s.config.fail_safe;
      put32(p + 2, now_ms - s.last_heard_ms);
      send(MSG_FAILSAFE, p, sizeof p);
      set_relay(i, 0, 0);
    }
    s.watchdog_fired = 0;
  }
  /* Opening a serial port can swallow the boot HELLO, so the first frame
   * from the gateway after a reset is answered with another one. */
  if (!s.heard_since_boot) {
    s.heard_since_boot = 1;
    send_hello();
  }
  s.last_heard_ms = now_ms;
}

static void handle(const frame_t *f, uint32_t now_ms) {
  gateway_heard(now_ms);
  const uint8_t *p = f->payload;
  switch (f->type) {
    case MSG_RELAY:
      if (f->len < 3 || p[0] >= BRIDGE_RELAYS) break;
      if (get16(p + 1) == 0) set_relay(p[0], 0, 0);
      else set_relay(p[0], 1, now_ms + get16(p + 1));
      return;
    case MSG_LED:
      if (f->len < 4 || p[0] >= BRIDGE_READERS || p[1] > LED_AMBER) break;
      s.led[p[0]].active = get16(p + 2) != 0;
      s.led[p[0]].until_ms = now_ms + get16(p + 2);
      hal_led(p[0], p[1]);
      return;
    case MSG_BUZZER: {
      if (f->len < 6 || p[0] >= BRIDGE_READERS) break;
      buzzer_t *b = &s.buzzer[p[0]];
      b->remaining = p[1];
      b->on_ms = get16(p + 2);
      b->off_ms = get16(p + 4);
      b->on = 0;
      b->next_ms = now_ms;
      hal_buzzer(p[0], 0);
      return;
    }
    case MSG_ACK:
      if (f->len < 1) break;
      for (uint8_t i = 0; i < BRIDGE_OUTBOX; i++)
        if (s.outbox[i].tries && s.outbox[i].seq == p[0]) s.outbox[i].tries = 0;
      return;
    case MSG_PING:
      return;
    default:
      bridge_error(ERR_UNKNOWN_TYPE, f->type);
      return;
  }
  bridge_error(ERR_BAD_PAYLOAD, f->type);
}

void bridge_rx(uint8_t byte, uint32_t now_ms) {
  frame_t f;
  if (s.decoder.used > 0 && (uint32_t)(now_ms - s.last_byte_ms) >= FRAME_GAP_MS)
    while (frame_decoder_resync(&s.decoder, &f)) handle(&f, now_ms);
  s.last_byte_ms = now_ms;
  if (frame_decoder_push(&s.decoder, byte, &f)) handle(&f, now_ms);
}

void bridge_card(uint8_t reader, const uint8_t *bits, uint8_t count, uint32_t now_ms) {
  uint8_t p[2 + WIEGAND_BYTES];
  uint8_t bytes = (uint8_t)((count + 7) / 8);
  if (count == 0 || bytes > WIEGAND_BYTES) return;
  p[0] = reader;
  p[1] = count;
  memcpy(p + 2, bits, bytes);
  send_reliably(MSG_CARD, p, (uint8_t)(2 + bytes), now_ms);
}

void bridge_keypad(uint8_t reader, char key, uint32_t now_ms) {
  uint8_t p[2] = {reader, (uint8_t)key};
  send_reliably(MSG_KEYPAD, p, sizeof p, now_ms);
}

void bridge_input(uint8_t input, uint8_t active, uint32_t now_ms) {
  uint8_t p[2] = {input, active ? 1 : 0};
  send_reliably(MSG_INPUT, p, sizeof p, now_ms);
}

void bridge_error(uint8_t code, uint8_t detail) {
  uint8_t p[2] = {code, detail};
  send(MSG_ERROR, p, sizeof p);
}

static uint8_t due(uint32_t now_ms, uint32_t at_ms) { return (int32_t)(now_ms - at_ms) >= 0; }

static void tick_outputs(uint32_t now_ms) {
  for (uint8_t i = 0; i < BRIDGE_RELAYS; i++)
    if (s.relay[i].active && s.relay[i].until_ms && due(now_ms, s.relay[i].until_ms)) set_relay(i, 0, 0);
  for (uint8_t i = 0; i < BRIDGE_READERS; i++) {
    if (s.led[i].active && due(now_ms, s.led[i].until_ms)) {
      s.led[i].active = 0;
      hal_led(i, LED_OFF);
    }
    buzzer_t *b = &s.buzzer[i];
    if ((b->on || b->remaining) && due(now_ms, b->next_ms)) {
      if (b->on) {
        b->on = 0;
        b->next_ms = now_ms + b->off_ms;
      } else {
        b->on = 1;
        b->remaining--;
        b->next_ms = now_ms + b->on_ms;
      }
      hal_buzzer(i, b->on);
    }
  }
}

static void tick_link(uint32_t now_ms) {
  for (uint8_t i = 0; i < BRIDGE_OUTBOX; i++) {
    pending_t *m = &s.outbox[i];
    if (!m->tries || !due(now_ms, m->next_ms)) continue;
    if (m->tries >= BRIDGE_TRIES) {
      m->tries = 0; /* the gateway will learn the current state from later events */
      continue;
    }
    m->tries++;
    m->next_ms = now_ms + BRIDGE_RETRY_MS;
    hal_write(m->bytes, m->len);
  }
  if ((uint32_t)(now_ms - s.last_heartbeat_ms) >= BRIDGE_HEARTBEAT_MS) {
    uint8_t p[6];
    s.last_heartbeat_ms = now_ms;
    put32(p, (now_ms - s.boot_ms) / 1000);
    p[4] = (uint8_t)(s.decoder.bad >> 8);
    p[5] = (uint8_t)s.decoder.bad;
    send(MSG_HEARTBEAT, p, sizeof p);
  }
  /* A bad frame is reported at most once a second: noise must not become a flood. */
  if (s.decoder.bad != s.reported_bad && (uint32_t)(now_ms - s.last_error_ms) >= 1000) {
    s.reported_bad = s.decoder.bad;
    s.last_error_ms = now_ms;
    bridge_error(ERR_BAD_FRAME, (uint8_t)s.decoder.bad);
  }
  if (!s.watchdog_fired && s.config.watchdog_ms && (uint32_t)(now_ms - s.last_heard_ms) >= s.config.watchdog_ms) {
    s.watchdog_fired = 1;
    for (uint8_t i = 0; i < BRIDGE_RELAYS; i++) set_relay(i, s.config.fail_safe, 0);
  }
}

void bridge_tick(uint32_t now_ms) {
  frame_t f;
  /* A partial frame that stopped arriving: rescan now, not when the next byte comes. */
  while (s.decoder.used > 0 && (uint32_t)(now_ms - s.last_byte_ms) >= FRAME_GAP_MS) {
    if (frame_decoder_resync(&s.decoder, &f)) handle(&f, now_ms);
  }
  tick_outputs(now_ms);
  tick_link(now_ms);
}

uint16_t bridge_bad_frames(void) { return s.decoder.bad; }
uint8_t bridge_watchdog_fired(void) { return s.watchdog_fired; }
uint8_t bridge_pending(void) {
  uint8_t n = 0;
  for (uint8_t i = 0; i < BRIDGE_OUTBOX; i++) n = (uint8_t)(n + (s.outbox[i].tries != 0));
  return n;
}
