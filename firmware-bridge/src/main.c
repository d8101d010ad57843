/* ATmega328P at 16 MHz (Arduino Nano class). Wiring, all on the Nano's pins:
 *   reader 0 D0/D1  PD2 (INT0) / PD3 (INT1)     reader 1 D0/D1  PC0 / PC1 (PCINT8/9)
 *   door A contact  PC2 (high = open)           door A exit     PC3 (low = pressed)
 *   door B contact  PC4 (high = open)           door B exit     PC5 (low = pressed)
 *   relay A, B      PB0, PB1 (high = released)  buzzer 0, 1     PB2, PB3
 *   LEDs reader 0   PD4 green, PD5 red          LEDs reader 1   PD6 green, PD7 red
 * Inputs use the internal pull-ups: a normally-closed reed contact to ground
 * reads high when the door opens, and an exit button to ground reads low. */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <avr/wdt.h>

#include "bridge.h"
#include "debounce.h"
#include "wiegand.h"

#ifndef WATCHDOG_MS
#define WATCHDOG_MS 5000
#endif
#ifndef FAIL_SAFE
#define FAIL_SAFE 0
#endif

static volatile uint32_t millis_now;
static wiegand_t wiegand[BRIDGE_READERS];
static debounce_t inputs[BRIDGE_INPUTS];

#define RX_SIZE 128 /* a power of two */
#define TX_SIZE 128
static volatile uint8_t rx_buf[RX_SIZE], rx_head, rx_tail;
static volatile uint8_t tx_buf[TX_SIZE], tx_head, tx_tail;

ISR(TIMER0_COMPA_vect) { millis_now++; }

static uint32_t millis(void) {
  uint8_t sreg = SREG;
  cli();
  uint32_t now = millis_now;
  SREG = sreg;
  return now;
}

ISR(INT0_vect) { wiegand_edge(&wiegand[0], 0, millis_now); }
ISR(INT1_vect) { wiegand_edge(&wiegand[0], 1, millis_now); }

ISR(PCINT1_vect) {
  static uint8_t previous = 0x03;
  uint8_t now = PINC & 0x03;
  uint8_t fell = previous & (uint8_t)~now;
  previous = now;
  if (fell & 0x01) wiegand_edge(&wiegand[1], 0, millis_now);
  if (fell & 0x02) wiegand_edge(&wiegand[1], 1, millis_now);
}

ISR(USART_RX_vect) {
  uint8_t byte = UDR0;
  uint8_t next = (rx_head + 1) & (RX_SIZE - 1);
  if (next != rx_tail) {
    rx_buf[rx_head] = byte;
    rx_head = next;
  } /* else: overrun; the frame's CRC will fail and it is counted as bad */
}

ISR(USART_UDRE_vect) {
  if (tx_tail == tx_head) {
    UCSR0B &= (uint8_t)~_BV(UDRIE0);
    return;
  }
  UDR0 = tx_buf[tx_tail];
  tx_tail = (tx_tail + 1) & (TX_SIZE - 1);
}

void hal_write(const uint8_t *bytes, uint8_t len) {
  for (uint8_t i = 0; i < len; i++) {
    uint8_t next = (tx_head + 1) & (TX_SIZE - 1);
    while (next == tx_tail) wdt_reset(); /* the UART drains it within a frame time */
    tx_buf[tx_head] = bytes[i];
    tx_head = next;
    UCSR0B |= _BV(UDRIE0);
  }
}

void hal_relay(uint8_t relay, uint8_t released) {
  uint8_t bit = relay ? _BV(PB1) : _BV(PB0);
  if (released) PORTB |= bit;
  else PORTB &= (uint8_t)~bit;
}

void hal_led(uint8_t reader, uint8_t colour) {
  uint8_t green = reader ? _BV(PD6) : _BV(PD4), red = reader ? _BV(PD7) : _BV(PD5);
  PORTD &= (uint8_t)~(green | red);
  if (colour == LED_GREEN || colour == LED_AMBER) PORTD |= green;
  if (colour == LED_RED || colour == LED_AMBER) PORTD |= red;
}

void hal_buzzer(uint8_t reader, uint8_t on) {
  uint8_t bit = reader ? _BV(PB3) : _BV(PB2);
  if (on) PORTB |= bit;
  else PORTB &= (uint8_t)~bit;
}

static void hardware_init(void) {
  DDRB = _BV(PB0) | _BV(PB1) | _BV(PB2) | _BV(PB3);
  DDRD = _BV(PD1) | _BV(PD4) | _BV(PD5) | _BV(PD6) | _BV(PD7);
  PORTD = _BV(PD2) | _BV(PD3);       /* pull-ups on the Wiegand lines, idle high */
  DDRC = 0;
  PORTC = 0x3F;                      /* pull-ups on Wiegand 1 and the four inputs */
  TCCR0A = _BV(WGM01);               /* timer 0, CTC, 16 MHz / 64 / 250 = 1 kHz */
  TCCR0B = _BV(CS01) | _BV(CS00);
  OCR0A = 249;
  TIMSK0 = _BV(OCIE0A);
  EICRA = _BV(ISC01) | _BV(ISC11);   /* falling edges on INT0 and INT1 */
  EIMSK = _BV(INT0) | _BV(INT1);
  PCMSK1 = _BV(PCINT8) | _BV(PCINT9);
  PCICR = _BV(PCIE1);
  UCSR0A = _BV(U2X0);                /* 115200 baud: UBRR 16 with double speed, 2.1% error */
  UBRR0 = 16;
  UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
  UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
}

static uint8_t input_level(uint8_t input) {
  uint8_t pin = (PINC >> (2 + input)) & 1;
  return (input & 1) ? !pin : pin; /* odd inputs are exit buttons, active low */
}

int main(void) {
  MCUSR = 0;
  wdt_enable(WDTO_1S); /* a hung firmware resets and says HELLO again */
  hardware_init();
  for (uint8_t i = 0; i < BRIDGE_READERS; i++) wiegand_init(&wiegand[i]);
  for (uint8_t i = 0; i < BRIDGE_INPUTS; i++) debounce_init(&inputs[i]);
  sei();
  const bridge_config_t config = {WATCHDOG_MS, FAIL_SAFE};
  bridge_init(&config, millis());
  set_sleep_mode(SLEEP_MODE_IDLE);
  uint32_t last_ms = millis();
  for (;;) {
    wdt_reset();
    uint32_t now = millis();
    while (rx_tail != rx_head) {
      bridge_rx(rx_buf[rx_tail], now);
      rx_tail = (rx_tail + 1) & (RX_SIZE - 1);
    }
    if (now != last_ms) {
      last_ms = now;
      for (uint8_t r = 0; r < BRIDGE_READERS; r++) {
        uint8_t bits[WIEGAND_BYTES], count = 0;
        cli();
        wiegand_result_t got = wiegand_take(&wiegand[r], now, bits, &count);
        sei();
        if (got == WIEGAND_TOO_LONG) {
          bridge_error(ERR_WIEGAND_TOO_LONG, r);
        } else if (got == WIEGAND_FRAME) {
          char key = wiegand_key(bits, count);
          if (key) bridge_keypad(r, key, now);
          else bridge_card(r, bits, count, now);
        }
      }
      for (uint8_t i = 0; i < BRIDGE_INPUTS; i++)
        if (debounce_sample(&inputs[i], input_level(i), now)) bridge_input(i, inputs[i].stable, now);
      bridge_tick(now);
    }
    /* Idle until the next interrupt (the 1 ms tick at the latest). */
    cli();
    if (rx_tail == rx_head) {
      sleep_enable();
      sei();
      sleep_cpu();
      sleep_disable();
    }
    sei();
  }
}
