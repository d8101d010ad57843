/* An input is reported only once its level has held for DEBOUNCE_MS: contact
 * bounce and induced noise on long door cables would otherwise flood the
 * gateway with open/closed pairs. */
#ifndef GATEHOUSE_DEBOUNCE_H
#define GATEHOUSE_DEBOUNCE_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

#define DEBOUNCE_MS 20

typedef struct {
  uint8_t stable, candidate, known;
  uint32_t since_ms;
} debounce_t;

void debounce_init(debounce_t *d);
/* Samples the level; returns 1 when the stable level changes (or is first known). */
uint8_t debounce_sample(debounce_t *d, uint8_t level, uint32_t now_ms);

#ifdef __cplusplus
}
#endif
#endif
