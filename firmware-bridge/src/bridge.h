/* The bridge's behaviour, free of hardware: main.c feeds it bytes, Wiegand
 * frames, input levels and the millisecond clock, and it answers through the
 * hal_* functions. The host tests drive the same code with a fake clock. */
#ifndef GATEHOUSE_BRIDGE_H
#define GATEHOUSE_BRIDGE_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

#define BRIDGE_VERSION_MAJOR 1
#define BRIDGE_VERSION_MINOR 0
#define BRIDGE_VERSION_PATCH 0
#define BRIDGE_READERS 2
#define BRIDGE_RELAYS 2
#define BRIDGE_INPUTS 4
#define BRIDGE_HEARTBEAT_MS 1000
#define BRIDGE_RETRY_MS 200
#define BRIDGE_TRIES 3
#define BRIDGE_OUTBOX 6

enum { MSG_HELLO = 0x01, MSG_CARD, MSG_KEYPAD, MSG_INPUT, MSG_HEARTBEAT, MSG_ERROR, MSG_FAILSAFE };
enum { MSG_RELAY = 0x81, MSG_LED, MSG_BUZZER, MSG_ACK, MSG_PING };
enum { ERR_BAD_FRAME = 1, ERR_UNKNOWN_TYPE, ERR_BAD_PAYLOAD, ERR_WIEGAND_TOO_LONG };
enum { LED_OFF = 0, LED_RED, LED_GREEN, LED_AMBER };

typedef struct {
  uint16_t watchdog_ms;
  uint8_t fail_safe; /* 0: relays lock when the gateway goes silent; 1: they release */
} bridge_config_t;

/* Provided by the platform (main.c on the AVR, the tests on the host). */
void hal_write(const uint8_t *bytes, uint8_t len);
void hal_relay(uint8_t relay, uint8_t released);
void hal_led(uint8_t reader, uint8_t colour);
void hal_buzzer(uint8_t reader, uint8_t on);

void bridge_init(const bridge_config_t *config, uint32_t now_ms);
void bridge_rx(uint8_t byte, uint32_t now_ms);
void bridge_card(uint8_t reader, const uint8_t *bits, uint8_t count, uint32_t now_ms);
void bridge_keypad(uint8_t reader, char key, uint32_t now_ms);
void bridge_input(uint8_t input, uint8_t active, uint32_t now_ms);
void bridge_error(uint8_t code, uint8_t detail);
/* Runs the timers: pulses, LED and buzzer patterns, retries, heartbeat, watchdog. */
void bridge_tick(uint32_t now_ms);

/* For tests and diagnostics. */
uint16_t bridge_bad_frames(void);
uint8_t bridge_watchdog_fired(void);
uint8_t bridge_pending(void);

#ifdef __cplusplus
}
#endif
#endif
