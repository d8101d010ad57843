#include "frame.h"

#include <string.h>

uint16_t crc16_ccitt(const uint8_t *bytes, uint8_t len) {
  uint16_t crc = 0xFFFF;
  for (uint8_t i = 0; i < len; i++) {
    crc ^= (uint16_t)bytes[i] << 8;
    for (uint8_t b = 0; b < 8; b++) crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
  }
  return crc;
}

uint8_t frame_encode(uint8_t type, uint8_t seq, const uint8_t *payload, uint8_t len, uint8_t *out) {
  if (len > FRAME_MAX_PAYLOAD) len = FRAME_MAX_PAYLOAD;
  out[0] = FRAME_SOF;
  out[1] = (uint8_t)(len + 2);
  out[2] = type;
  out[3] = seq;
  if (len) memcpy(out + 4, payload, len);
  uint16_t crc = crc16_ccitt(out + 1, (uint8_t)(len + 3));
  out[4 + len] = (uint8_t)(crc >> 8);
  out[5 + len] = (uint8_t)crc;
  return (uint8_t)(len + 6);
}

void frame_decoder_init(frame_decoder_t *d) { memset(d, 0, sizeof *d); }

static void drop(frame_decoder_t *d, uint8_t n) {
  memmove(d->buf, d->buf + n, (size_t)(d->used - n));
  d->used = (uint8_t)(d->used - n);
}

/* Mirrors decodeFrame in libs/bridge-protocol: after a failed SOF the bytes
 * already buffered are searched again, because a real frame may start inside. */
static uint8_t scan(frame_decoder_t *d, frame_t *out);

uint8_t frame_decoder_push(frame_decoder_t *d, uint8_t byte, frame_t *out) {
  if (d->used == sizeof d->buf) drop(d, 1); /* cannot happen with valid LEN bounds; kept as a guard */
  d->buf[d->used++] = byte;
  return scan(d, out);
}

uint8_t frame_decoder_resync(frame_decoder_t *d, frame_t *out) {
  if (d->used == 0) return 0;
  d->bad++;
  drop(d, 1);
  return scan(d, out);
}

static uint8_t scan(frame_decoder_t *d, frame_t *out) {
  for (;;) {
    if (d->used == 0) return 0;
    if (d->buf[0] != FRAME_SOF) {
      d->skipped++;
      drop(d, 1);
      continue;
    }
    if (d->used < 2) return 0;
    uint8_t len = d->buf[1];
    if (len < 2 || len > FRAME_MAX_PAYLOAD + 2) {
      d->bad++;
      drop(d, 1);
      continue;
    }
    uint8_t total = (uint8_t)(len + 4);
    if (d->used < total) return 0;
    uint16_t crc = (uint16_t)((d->buf[total - 2] << 8) | d->buf[total - 1]);
    if (crc != crc16_ccitt(d->buf + 1, (uint8_t)(total - 3))) {
      d->bad++;
      drop(d, 1);
      continue;
    }
    out->type = d->buf[2];
    out->seq = d->buf[3];
    out->len = (uint8_t)(len - 2);
    memcpy(out->payload, d->buf + 4, out->len);
    drop(d, total);
    return 1;
  }
}
