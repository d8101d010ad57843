#include "wiegand.h"

#include <string.h>

void wiegand_init(wiegand_t *w) { memset((void *)w, 0, sizeof *w); }

void wiegand_edge(wiegand_t *w, uint8_t bit, uint32_t now_ms) {
  w->last_edge_ms = now_ms;
  if (w->count >= WIEGAND_MAX_BITS) {
    w->overflow = 1;
    return;
  }
  uint8_t i = w->count++;
  if (bit) w->bits[i >> 3] |= (uint8_t)(0x80 >> (i & 7));
  else w->bits[i >> 3] &= (uint8_t)~(0x80 >> (i & 7));
}

wiegand_result_t wiegand_take(wiegand_t *w, uint32_t now_ms, uint8_t *bits, uint8_t *count) {
  if (w->count == 0 && !w->overflow) return WIEGAND_NONE;
  if ((uint32_t)(now_ms - w->last_edge_ms) < WIEGAND_SILENCE_MS) return WIEGAND_NONE;
  wiegand_result_t r = w->overflow ? WIEGAND_TOO_LONG : WIEGAND_FRAME;
  *count = w->count;
  for (uint8_t i = 0; i < sizeof w->bits; i++) bits[i] = w->bits[i];
  wiegand_init(w);
  return r;
}

char wiegand_key(const uint8_t *bits, uint8_t count) {
  uint8_t value;
  if (count == 4) {
    value = bits[0] >> 4;
  } else if (count == 8) {
    uint8_t high = bits[0] >> 4, low = bits[0] & 0x0F;
    if ((uint8_t)(~high & 0x0F) != low) return 0;
    value = low;
  } else {
    return 0;
  }
  if (value <= 9) return (char)('0' + value);
  if (value == 10) return '*';
  if (value == 11) return '#';
  return 0;
}
