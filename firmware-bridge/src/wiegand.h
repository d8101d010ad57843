/* Wiegand frame assembly: one bit per falling edge on D0 (0) or D1 (1); the
 * frame ends after WIEGAND_SILENCE_MS without an edge. Called from interrupt
 * handlers on the AVR, so wiegand_edge does the least it can. */
#ifndef GATEHOUSE_WIEGAND_H
#define GATEHOUSE_WIEGAND_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

#define WIEGAND_MAX_BITS 64
#define WIEGAND_SILENCE_MS 25
#define WIEGAND_BYTES (WIEGAND_MAX_BITS / 8)

typedef struct {
  volatile uint8_t bits[WIEGAND_MAX_BITS / 8];
  volatile uint8_t count;
  volatile uint8_t overflow;
  volatile uint32_t last_edge_ms;
} wiegand_t;

typedef enum { WIEGAND_NONE = 0, WIEGAND_FRAME, WIEGAND_TOO_LONG } wiegand_result_t;

void wiegand_init(wiegand_t *w);
void wiegand_edge(wiegand_t *w, uint8_t bit, uint32_t now_ms);
/* After the silence, moves a finished frame out (packed MSB first) and resets.
 * The caller masks interrupts around it on the AVR. */
wiegand_result_t wiegand_take(wiegand_t *w, uint32_t now_ms, uint8_t *bits, uint8_t *count);

/* A keypad key sent as its own Wiegand frame (4-bit, or 8-bit with the high
 * nibble the complement of the low one): the key's ASCII, else 0. */
char wiegand_key(const uint8_t *bits, uint8_t count);

#ifdef __cplusplus
}
#endif
#endif
