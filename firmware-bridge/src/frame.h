/* Framing of PROTOCOL.md: SOF, LEN, TYPE, SEQ, PAYLOAD, CRC-16/CCITT-FALSE.
 * Pure C, no AVR headers: the same code runs in the host tests. */
#ifndef GATEHOUSE_FRAME_H
#define GATEHOUSE_FRAME_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

#define FRAME_SOF 0x7E
#define FRAME_MAX_PAYLOAD 64
#define FRAME_MAX_BYTES (FRAME_MAX_PAYLOAD + 6)

uint16_t crc16_ccitt(const uint8_t *bytes, uint8_t len);

/* Writes a whole frame into out (at least FRAME_MAX_BYTES); returns its length. */
uint8_t frame_encode(uint8_t type, uint8_t seq, const uint8_t *payload, uint8_t len, uint8_t *out);

typedef struct {
  uint8_t type, seq, len;
  uint8_t payload[FRAME_MAX_PAYLOAD];
} frame_t;

/* A byte-at-a-time decoder. Bytes that do not make a frame are dropped one at
 * a time and counted, so noise or a torn frame costs at most one frame. */
typedef struct {
  uint8_t buf[FRAME_MAX_BYTES];
  uint8_t used;
  uint16_t skipped; /* bytes before a SOF */
  uint16_t bad;     /* SOFs whose length or CRC did not hold */
} frame_decoder_t;

void frame_decoder_init(frame_decoder_t *d);
/* Feeds one byte; returns 1 and fills out when it completes a frame. */
uint8_t frame_decoder_push(frame_decoder_t *d, uint8_t byte, frame_t *out);

/* A frame's bytes come back to back. When a partial frame has waited
 * FRAME_GAP_MS without a byte, its start was noise (a stray SOF and a large
 * LEN would otherwise hold the frames behind it for up to 70 bytes): drop that
 * SOF and look again at what is held. Returns 1 per frame found; call again. */
#define FRAME_GAP_MS 20
uint8_t frame_decoder_resync(frame_decoder_t *d, frame_t *out);

#ifdef __cplusplus
}
#endif
#endif
