/* Runs the real firmware (build/bridge.elf) in simavr, in real time, as the
 * board would be wired (see src/main.c). The UART is joined to a fresh
 * pseudo-terminal that the gateway opens as a serial port.
 *
 * Usage: harness build/bridge.elf [link]   (link: a symlink to the pty, as
 * /dev/serial/by-id gives a stable name to a USB adapter; removed on exit)
 *
 * stdout, one line each:  pty <path> | pin <port><bit> <level> <sim ms> | error <text>
 * stdin commands:         wiegand <reader> <bits 0/1>   pulses D0/D1 (50 us low, 2 ms apart)
 *                         pin <port><bit> <0|1>         drives an input pin
 *                         raw <hex>                     writes bytes to the gateway as line noise would
 *                         reset                         resets the AVR (a reboot)
 *                         quit                          (or end of input)
 */
#define _GNU_SOURCE
#include <avr_ioport.h>
#include <avr_uart.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sim_avr.h>
#include <sim_elf.h>
#include <sim_time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define FREQUENCY 16000000ULL
#define PULSE_US 50
#define BIT_PERIOD_US 2000
#define MAX_ACTIONS 1024

typedef struct {
  avr_cycle_count_t at;
  char port;
  uint8_t bit, level;
} action_t;

static avr_t *avr;
static int pty_master = -1;
static avr_irq_t *uart_input;
static int uart_xon = 1;
static uint8_t pending_rx[4096];
static size_t pending_len;
static action_t actions[MAX_ACTIONS];
static size_t action_count;
static uint8_t driven_mask[8], driven_value[8]; /* per port, index port - 'A' */
static int last_level[8][8];
static struct timespec wall_start;
static char stdin_line[512];
static size_t stdin_len;
static volatile sig_atomic_t quitting;
static int reset_requested;
static void on_signal(int sig) { (void)sig, quitting = 1; }

static avr_cycle_count_t cycle_base; /* the cycle count at the last reset (simavr 1.6 may not zero it) */
static uint64_t sim_us(void) { return (uint64_t)(avr->cycle - cycle_base) * 1000000ULL / FREQUENCY; }

static uint64_t wall_us(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)(now.tv_sec - wall_start.tv_sec) * 1000000ULL + (uint64_t)((now.tv_nsec - wall_start.tv_nsec) / 1000);
}

/* Drives a pin from outside. The external value must be registered too, or the
 * firmware's next write to PORTx/DDRx lets the pull-up overwrite it. */
static void drive(char port, uint8_t bit, uint8_t level) {
  int p = port - 'A';
  driven_mask[p] |= (uint8_t)(1 << bit);
  if (level) driven_value[p] |= (uint8_t)(1 << bit);
  else driven_value[p] &= (uint8_t)~(1 << bit);
  avr_ioport_external_t ext = {.name = (unsigned long)port, .mask = driven_mask[p], .value = driven_value[p]};
  avr_ioctl(avr, AVR_IOCTL_IOPORT_SET_EXTERNAL(port), &ext);
  avr_raise_irq(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(port), bit), level);
}

static avr_cycle_count_t run_actions(avr_t *a, avr_cycle_count_t when, void *param);

static void schedule(avr_cycle_count_t at, char port, uint8_t bit, uint8_t level) {
  if (action_count == MAX_ACTIONS) return;
  size_t i = action_count++;
  while (i > 0 && actions[i - 1].at > at) {
    actions[i] = actions[i - 1];
    i--;
  }
  actions[i] = (action_t){at, port, bit, level};
  avr_cycle_timer_cancel(avr, run_actions, NULL);
  avr_cycle_timer_register(avr, actions[0].at > avr->cycle ? actions[0].at - avr->cycle : 1, run_actions, NULL);
}

static avr_cycle_count_t run_actions(avr_t *a, avr_cycle_count_t when, void *param) {
  (void)a, (void)param;
  size_t done = 0;
  while (done < action_count && actions[done].at <= when) {
    drive(actions[done].port, actions[done].bit, actions[done].level);
    done++;
  }
  memmove(actions, actions + done, (action_count - done) * sizeof actions[0]);
  action_count -= done;
  return action_count ? actions[0].at : 0; /* an absolute cycle, or stop */
}

static void wiegand(int reader, const char *bits) {
  char port = reader ? 'C' : 'D';
  uint8_t d0 = reader ? 0 : 2, d1 = reader ? 1 : 3;
  avr_cycle_count_t t = avr->cycle + avr_usec_to_cycles(avr, 100);
  for (const char *b = bits; *b == '0' || *b == '1'; b++) {
    uint8_t pin = *b == '1' ? d1 : d0;
    schedule(t, port, pin, 0);
    schedule(t + avr_usec_to_cycles(avr, PULSE_US), port, pin, 1);
    t += avr_usec_to_cycles(avr, BIT_PERIOD_US);
  }
}

static void command(char *line) {
  char name[16] = "", a[128] = "", b[128] = "";
  int n = sscanf(line, "%15s %127s %127s", name, a, b);
  if (n <= 0) return;
  if (!strcmp(name, "wiegand") && n == 3) wiegand(atoi(a), b);
  else if (!strcmp(name, "pin") && n == 3 && a[0] >= 'B' && a[0] <= 'D' && a[1] >= '0' && a[1] <= '7')
    drive(a[0], (uint8_t)(a[1] - '0'), (uint8_t)(atoi(b) != 0));
  else if (!strcmp(name, "raw") && n >= 2) {
    uint8_t bytes[64];
    size_t count = 0;
    for (const char *h = a; h[0] && h[1] && count < sizeof bytes; h += 2) {
      unsigned v;
      if (sscanf(h, "%2x", &v) != 1) break;
      bytes[count++] = (uint8_t)v;
    }
    if (write(pty_master, bytes, count) < 0) perror("pty write");
  } else if (!strcmp(name, "reset")) reset_requested = 1;
  else if (!strcmp(name, "quit")) quitting = 1;
  else printf("error unknown command: %s\n", line);
}

static void read_stdin(void) {
  char buf[256];
  ssize_t n;
  while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) {
      if (buf[i] == '\n' || stdin_len == sizeof stdin_line - 1) {
        stdin_line[stdin_len] = 0;
        command(stdin_line);
        stdin_len = 0;
      } else {
        stdin_line[stdin_len++] = buf[i];
      }
    }
  }
  if (n == 0) quitting = 1; /* the test or demo that started us has gone */
}

static void feed_uart(void) {
  size_t i = 0;
  while (i < pending_len && uart_xon) avr_raise_irq(uart_input, pending_rx[i++]);
  memmove(pending_rx, pending_rx + i, pending_len - i);
  pending_len -= i;
}

/* Every simulated millisecond: exchange bytes and commands, then sleep while
 * the simulation is ahead of the wall clock, so the AVR runs in real time. */
static avr_cycle_count_t every_ms(avr_t *a, avr_cycle_count_t when, void *param) {
  (void)a, (void)param;
  ssize_t n = read(pty_master, pending_rx + pending_len, sizeof pending_rx - pending_len);
  if (n > 0) pending_len += (size_t)n;
  feed_uart();
  read_stdin();
  uint64_t sim = sim_us(), wall = wall_us();
  if (sim > wall) usleep((useconds_t)(sim - wall));
  fflush(stdout);
  return when + avr_usec_to_cycles(avr, 1000);
}

static void uart_out(avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq, (void)param;
  uint8_t byte = (uint8_t)value;
  if (write(pty_master, &byte, 1) < 0 && errno != EAGAIN) perror("pty write");
}
static void uart_xon_hook(avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq, (void)value, (void)param;
  uart_xon = 1;
}
static void uart_xoff_hook(avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq, (void)value, (void)param;
  uart_xon = 0;
}

/* The notify hook can fire again with an unchanged value: report changes only. */
static void pin_changed(avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  intptr_t id = (intptr_t)param;
  int port = (int)(id >> 4), bit = (int)(id & 0xF);
  if (last_level[port][bit] == (int)value) return;
  last_level[port][bit] = (int)value;
  printf("pin %c%d %u %.3f\n", 'A' + port, bit, value, (double)sim_us() / 1000.0);
}

static void watch(char port, uint8_t bit) {
  last_level[port - 'A'][bit] = 0;
  intptr_t id = ((port - 'A') << 4) | bit;
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(port), bit), pin_changed, (void *)id);
}

/* A reset clears simavr's cycle timers and its cycle count, and the I/O
 * ports: start the clock again and drive the board's inputs as they were. */
static void reboot(void) {
  reset_requested = 0;
  avr_reset(avr);
  action_count = 0;
  cycle_base = avr->cycle;
  clock_gettime(CLOCK_MONOTONIC, &wall_start);
  /* An IRQ raised to the value it already has is filtered out: toggle first. */
  for (int p = 0; p < 8; p++)
    for (uint8_t bit = 0; bit < 8; bit++)
      if (driven_mask[p] & (1 << bit)) {
        uint8_t level = (driven_value[p] >> bit) & 1;
        drive((char)('A' + p), bit, !level);
        drive((char)('A' + p), bit, level);
      }
  avr_cycle_timer_register(avr, avr_usec_to_cycles(avr, 1000), every_ms, NULL);
}

static void no_sleep(avr_t *a, avr_cycle_count_t how_long) { (void)a, (void)how_long; }

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s build/bridge.elf [link]\n", argv[0]);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  elf_firmware_t firmware;
  memset(&firmware, 0, sizeof firmware);
  if (elf_read_firmware(argv[1], &firmware) != 0) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  avr = avr_make_mcu_by_name("atmega328p");
  if (!avr || avr_init(avr) != 0) return 1;
  avr_load_firmware(avr, &firmware);
  avr->frequency = FREQUENCY;
  avr->sleep = no_sleep; /* every_ms keeps real time; simavr's own sleep would add to it */
  avr->log = LOG_ERROR;

  int slave;
  char name[128];
  if (openpty(&pty_master, &slave, name, NULL, NULL) != 0) {
    perror("openpty");
    return 1;
  }
  struct termios tio;
  tcgetattr(slave, &tio);
  cfmakeraw(&tio);
  tcsetattr(slave, TCSANOW, &tio);
  /* The slave stays open here, so the master does not read EIO while the
   * gateway has the port closed (between reconnects, say). */
  fcntl(pty_master, F_SETFL, fcntl(pty_master, F_GETFL) | O_NONBLOCK);
  fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);

  uint32_t flags = 0;
  avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
  flags &= ~(uint32_t)AVR_UART_FLAG_STDIO;
  avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
  uart_input = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT), uart_out, NULL);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON), uart_xon_hook, NULL);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF), uart_xoff_hook, NULL);

  /* Idle wiring: Wiegand lines high, doors closed (contact low), exit buttons released (high). */
  drive('D', 2, 1), drive('D', 3, 1), drive('C', 0, 1), drive('C', 1, 1);
  drive('C', 2, 0), drive('C', 3, 1), drive('C', 4, 0), drive('C', 5, 1);
  for (uint8_t bit = 0; bit < 4; bit++) watch('B', bit);
  for (uint8_t bit = 4; bit < 8; bit++) watch('D', bit);

  clock_gettime(CLOCK_MONOTONIC, &wall_start);
  avr_cycle_timer_register(avr, avr_usec_to_cycles(avr, 1000), every_ms, NULL);
  const char *link = argc > 2 ? argv[2] : NULL;
  if (link) {
    unlink(link);
    if (symlink(name, link) != 0) perror("symlink");
  }
  printf("pty %s\n", name);
  fflush(stdout);
  int state = cpu_Running;
  while (!quitting && state != cpu_Done && state != cpu_Crashed) {
    state = avr_run(avr);
    if (reset_requested) reboot();
  }
  if (state == cpu_Crashed) printf("error firmware crashed\n");
  if (link) unlink(link);
  close(slave);
  close(pty_master);
  return state == cpu_Crashed ? 1 : 0;
}
