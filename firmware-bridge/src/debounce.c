#include "debounce.h"

void debounce_init(debounce_t *d) {
  d->stable = d->candidate = d->known = 0;
  d->since_ms = 0;
}

uint8_t debounce_sample(debounce_t *d, uint8_t level, uint32_t now_ms) {
  level = level ? 1 : 0;
  if (level != d->candidate) {
    d->candidate = level;
    d->since_ms = now_ms;
    return 0;
  }
  if ((d->known && level == d->stable) || (uint32_t)(now_ms - d->since_ms) < DEBOUNCE_MS) return 0;
  d->stable = level;
  d->known = 1;
  return 1;
}
