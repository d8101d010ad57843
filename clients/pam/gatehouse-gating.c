/*
 * gatehouse-gating: asks the Gatehouse gateway whether a login on this
 * workstation may go ahead, for pam_exec (auth or account). One process: the
 * same configuration, checks, answers and exit codes as the shell client
 * (gatehouse-gating, docs/gating.md), without the shell, stat, date and curl
 * it starts. Linked against OpenSSL's libraries statically (Makefile): the
 * only run-time dependency is the C library.
 *
 * Exits: 0 allowed (by the gateway, or by policy while it cannot be reached),
 * 1 refused, 2 step-up asked (with --step-up deny), 3 unreachable (or 429)
 * and fail-closed, 4 the gateway refused this host's token, 5 local
 * configuration, 6 an answer that is not for this question. pam_exec turns
 * every non-zero exit into PAM_SYSTEM_ERR; the line printed is what tells
 * the user why.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILE 65536
#define MAX_REPLY 16384

static void say(const char *line) {
  /* One write: pam_exec's `stdout` shows it to the user. */
  char buf[512];
  int n = snprintf(buf, sizeof buf, "%s\n", line);
  if (n > 0 && write(1, buf, (size_t)n) < 0) { /* nothing more to tell */ }
}

static void note(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n > sizeof buf - 2) n = (int)sizeof buf - 2;
  buf[n] = '\n';
  if (write(2, "gatehouse-gating: ", 18) < 0 || write(2, buf, (size_t)n + 1) < 0) { /* as above */ }
}

static void config_error(const char *what) {
  note("%s", what);
  say("Login refused: login gating misconfigured on this workstation (config)");
  exit(5);
}

/*
 * Reads a file only root may write (and, for `secret`, only root may read):
 * opened without following a link, checked on the open descriptor (no race
 * between the check and the read). NUL-terminated; NULL when it does not exist.
 */
static char *read_trusted(const char *path, int secret, const char *what) {
  char msg[600];
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ELOOP) {
    /* A link could be pointed elsewhere by whoever owns the folder it is in. */
    snprintf(msg, sizeof msg, "%s: %s is a symbolic link", what, path);
    config_error(msg);
  }
  if (fd < 0) return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    snprintf(msg, sizeof msg, "%s: %s is not a regular file", what, path);
    config_error(msg);
  }
  if (st.st_uid != 0) {
    snprintf(msg, sizeof msg, "%s is not owned by root", path);
    config_error(msg);
  }
  if (secret ? (st.st_mode & 077) : (st.st_mode & 022)) {
    snprintf(msg, sizeof msg,
             secret ? "%s must be owned by root with no group or other access (chmod 600)"
                    : "%s is writable by group or others",
             path);
    config_error(msg);
  }
  if (st.st_size > MAX_FILE) {
    snprintf(msg, sizeof msg, "%s is too large", path);
    config_error(msg);
  }
  char *text = malloc((size_t)st.st_size + 1);
  if (!text) config_error("out of memory");
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t n = read(fd, text + got, (size_t)st.st_size - got);
    if (n <= 0) break;
    got += (size_t)n;
  }
  text[got] = '\0';
  close(fd);
  return text;
}

struct config {
  char *url, *ca, *token_file, *state_dir, *break_glass, *host;
  double timeout;
  const char *on_unreachable, *step_up;
};

static char *dup_value(const char *v) {
  char *d = strdup(v);
  if (!d) config_error("out of memory");
  return d;
}

/* key=value lines, `#` comments: read, never run. The same keys as the shell client's. */
static void read_config(const char *path, struct config *c) {
  char msg[600];
  char *text = read_trusted(path, 0, "config");
  if (!text) {
    snprintf(msg, sizeof msg, "no configuration at %s", path);
    config_error(msg);
  }
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    if (line[0] == '#' || line[0] == '\0') continue;
    char *eq = strchr(line, '=');
    char *value = eq ? eq + 1 : line + strlen(line);
    if (eq) *eq = '\0';
    if (!strcmp(line, "url")) c->url = dup_value(value);
    else if (!strcmp(line, "ca")) c->ca = dup_value(value);
    else if (!strcmp(line, "token_file")) c->token_file = dup_value(value);
    else if (!strcmp(line, "state_dir")) c->state_dir = dup_value(value);
    else if (!strcmp(line, "break_glass")) c->break_glass = dup_value(value);
    else if (!strcmp(line, "host")) c->host = dup_value(value);
    else if (!strcmp(line, "timeout")) {
      char *end = NULL;
      c->timeout = strtod(value, &end);
      if (end == value || *end || !(c->timeout > 0) || c->timeout > 600)
        config_error("timeout: seconds, e.g. 2 or 0.5");
    } else if (!strcmp(line, "on_unreachable")) {
      if (strcmp(value, "open") && strcmp(value, "closed")) config_error("on_unreachable: open or closed");
      c->on_unreachable = !strcmp(value, "open") ? "open" : "closed";
    } else if (!strcmp(line, "step_up")) {
      if (strcmp(value, "deny") && strcmp(value, "pass")) config_error("step_up: deny or pass");
      c->step_up = !strcmp(value, "pass") ? "pass" : "deny";
    } else if (!strcmp(line, "curl")) {
      /* The shell client's; nothing to do here. */
    } else {
      snprintf(msg, sizeof msg, "unknown key %s in %s", line, path);
      config_error(msg);
    }
  }
  free(text);
}

/* What the gateway last said to do when it cannot be reached, else the configured default. */
static const char *policy_when_unreachable(const struct config *c) {
  if (!c->state_dir || !*c->state_dir) return c->on_unreachable;
  char path[4096], told[16] = {0};
  snprintf(path, sizeof path, "%s/on_unreachable", c->state_dir);
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return c->on_unreachable;
  ssize_t n = read(fd, told, sizeof told - 1);
  close(fd);
  if (n >= 4 && !strncmp(told, "open", 4) && (told[4] == '\n' || told[4] == '\0')) return "open";
  if (n >= 6 && !strncmp(told, "closed", 6) && (told[6] == '\n' || told[6] == '\0')) return "closed";
  return c->on_unreachable;
}

static int break_glass_member(const struct config *c, const char *account) {
  if (!c->break_glass) return 0;
  char *list = dup_value(c->break_glass);
  int found = 0;
  for (char *a = strtok(list, " \t\n"); a && !found; a = strtok(NULL, " \t\n")) found = !strcmp(a, account);
  free(list);
  return found;
}

/* Decided before anything goes out, so the deadline's signal handler only writes and exits. */
static const char *unreachable_line;
static int unreachable_exit;

static void unreachable_now(void) {
  if (write(1, unreachable_line, strlen(unreachable_line)) < 0) { /* nothing more to tell */ }
  _exit(unreachable_exit);
}

static void on_deadline(int sig) {
  (void)sig;
  static const char why[] = "gatehouse-gating: gateway not answering: no answer in time\n";
  if (write(2, why, sizeof why - 1) < 0) { /* as above */ }
  unreachable_now();
}

static void unreachable(const char *why) {
  note("gateway not answering: %s", why);
  unreachable_now();
}

/* A JSON string's inside: quotes and backslashes escaped; NULL when it holds a control character. */
static char *json_escaped(const char *s) {
  size_t n = strlen(s);
  char *out = malloc(2 * n + 1), *o = out;
  if (!out) config_error("out of memory");
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p < 0x20 || *p == 0x7f) {
      free(out);
      return NULL;
    }
    if (*p == '"' || *p == '\\') *o++ = '\\';
    *o++ = (char)*p;
  }
  *o = '\0';
  return out;
}

/* Appends `,"key":"value"` when there is a value without control characters (as the shell client). */
static void add_field(char *body, size_t size, const char *key, const char *value) {
  if (!value || !*value) return;
  char *v = json_escaped(value);
  if (!v) return;
  size_t used = strlen(body);
  snprintf(body + used, size - used, ",\"%s\":\"%s\"", key, v);
  free(v);
}

/* The value of a flat JSON string member whose value is a code ([A-Za-z0-9_-]); "" otherwise. */
static void value_of(const char *json, const char *key, char *out, size_t size) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  out[0] = '\0';
  const char *at = strstr(json, pattern);
  if (!at) return;
  at += strlen(pattern);
  size_t n = strcspn(at, "\"");
  if (at[n] != '"' || n >= size) return;
  for (size_t i = 0; i < n; i++) {
    char ch = at[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
          ch == '-'))
      return;
  }
  memcpy(out, at, n);
  out[n] = '\0';
}

/* https://host[:port][/prefix]; [v6]:port too. */
struct target {
  char host[256], port[8], path[1024], authority[300];
};

static void parse_url(const char *url, struct target *t) {
  if (strncmp(url, "https://", 8)) config_error("url must be https://");
  const char *p = url + 8, *host_end, *rest;
  if (*p == '[') {
    host_end = strchr(p, ']');
    if (!host_end) config_error("url: bad address");
    snprintf(t->host, sizeof t->host, "%.*s", (int)(host_end - p - 1), p + 1);
    rest = host_end + 1;
  } else {
    host_end = p + strcspn(p, ":/");
    snprintf(t->host, sizeof t->host, "%.*s", (int)(host_end - p), p);
    rest = host_end;
  }
  if (!t->host[0]) config_error("url: no host");
  if (*rest == ':') {
    size_t n = strspn(rest + 1, "0123456789");
    if (n == 0 || n > 5) config_error("url: bad port");
    snprintf(t->port, sizeof t->port, "%.*s", (int)n, rest + 1);
    rest += 1 + n;
  } else snprintf(t->port, sizeof t->port, "443");
  if (*rest && *rest != '/') config_error("url: bad form");
  size_t plen = strlen(rest);
  while (plen > 0 && rest[plen - 1] == '/') plen--;
  snprintf(t->path, sizeof t->path, "%.*s/api/v1/gating/decide", (int)plen, rest);
  snprintf(t->authority, sizeof t->authority, strchr(t->host, ':') ? "[%s]:%s" : "%s:%s", t->host, t->port);
}

/* The CA pinned: read from its checked file into a store of its own (never the system's). */
static void pin_ca(SSL_CTX *ctx, const char *ca_pem) {
  BIO *bio = BIO_new_mem_buf(ca_pem, -1);
  X509_STORE *store = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  X509 *cert;
  while (bio && (cert = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
    if (X509_STORE_add_cert(store, cert) == 1) added++;
    X509_free(cert);
  }
  BIO_free(bio);
  ERR_clear_error();
  if (!added) config_error("ca: no certificate in the CA file");
}

static int connect_to(const struct target *t) {
  struct addrinfo hints = {0}, *found = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(t->host, t->port, &hints, &found) != 0) unreachable("cannot resolve the gateway");
  int fd = -1;
  for (struct addrinfo *a = found; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) unreachable("cannot connect");
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static void write_all(SSL *ssl, const char *data, size_t n) {
  while (n > 0) {
    int w = SSL_write(ssl, data, (int)n);
    if (w <= 0) unreachable("the connection broke while asking");
    data += w;
    n -= (size_t)w;
  }
}

/* The status and the body of the answer (the gateway closes after it: Connection: close). */
static int ask(const struct target *t, const char *ca_pem, const char *token, const char *body, char *reply,
               size_t size, const char **answer) {
  /* No openssl.cnf: nothing outside this program's files may change how it checks the gateway. */
  OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) unreachable("no TLS");
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  pin_ca(ctx, ca_pem);
  SSL *ssl = SSL_new(ctx);
  struct in6_addr probe;
  if (inet_pton(AF_INET, t->host, &probe) == 1 || inet_pton(AF_INET6, t->host, &probe) == 1) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), t->host) != 1) unreachable("bad address");
  } else {
    SSL_set_tlsext_host_name(ssl, t->host);
    if (SSL_set1_host(ssl, t->host) != 1) unreachable("bad host name");
  }
  int fd = connect_to(t);
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) != 1) {
    long verify = SSL_get_verify_result(ssl);
    note("TLS with the gateway failed%s", verify != X509_V_OK ? " (its certificate is not the pinned CA's)" : "");
    unreachable("TLS failed");
  }
  char head[2048];
  int n = snprintf(head, sizeof head,
                   "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n"
                   "Accept: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                   t->path, t->authority, token, strlen(body));
  if (n <= 0 || (size_t)n >= sizeof head) config_error("request too large");
  write_all(ssl, head, (size_t)n);
  write_all(ssl, body, strlen(body));
  OPENSSL_cleanse(head, sizeof head);
  /* Until the body's Content-Length is in, the connection closes, or the buffer is full. */
  size_t got = 0;
  for (;;) {
    if (got + 1 >= size) break;
    int r = SSL_read(ssl, reply + got, (int)(size - 1 - got));
    if (r <= 0) break;
    got += (size_t)r;
    reply[got] = '\0';
    const char *end = strstr(reply, "\r\n\r\n");
    const char *length = strcasestr(reply, "\r\ncontent-length:");
    if (end && length && length < end && got - (size_t)(end + 4 - reply) >= strtoul(length + 17, NULL, 10)) break;
  }
  reply[got] = '\0';
  int status = 0;
  if (sscanf(reply, "HTTP/1.%*d %d", &status) != 1) unreachable("not an HTTP answer");
  const char *sep = strstr(reply, "\r\n\r\n");
  *answer = sep ? sep + 4 : "";
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  close(fd);
  return status;
}

/* Remembers what the gateway said to do when unreachable: a new file renamed over the old one. */
static void remember_policy(const struct config *c, const char *told) {
  if (!c->state_dir || !*c->state_dir) return;
  if (strcmp(told, "open") && strcmp(told, "closed")) return;
  if (!strcmp(told, policy_when_unreachable(c))) return;
  char tmp[4096], path[4096];
  snprintf(tmp, sizeof tmp, "%s/.on_unreachable.%d", c->state_dir, (int)getpid());
  snprintf(path, sizeof path, "%s/on_unreachable", c->state_dir);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return;
  int ok = write(fd, told, strlen(told)) == (ssize_t)strlen(told) && write(fd, "\n", 1) == 1;
  close(fd);
  if (!ok || rename(tmp, path) != 0) unlink(tmp);
}

int main(int argc, char **argv) {
  const char *config_path = "/etc/gatehouse/gating.conf", *step_up_arg = NULL;
  umask(077);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--config") && i + 1 < argc) config_path = argv[++i];
    else if (!strcmp(argv[i], "--step-up") && i + 1 < argc) step_up_arg = argv[++i];
    else {
      say("Login refused: login gating misconfigured on this workstation (bad argument)");
      return 5;
    }
  }
  struct config c = {.timeout = 2, .on_unreachable = "closed", .step_up = "deny"};
  read_config(config_path, &c);
  if (step_up_arg) {
    if (strcmp(step_up_arg, "deny") && strcmp(step_up_arg, "pass")) config_error("step_up: deny or pass");
    c.step_up = !strcmp(step_up_arg, "pass") ? "pass" : "deny";
  }
  struct target t;
  parse_url(c.url ? c.url : "", &t);
  char msg[600];
  char *ca_pem = c.ca ? read_trusted(c.ca, 0, "ca") : NULL;
  if (!ca_pem) {
    snprintf(msg, sizeof msg, "ca: no CA file at '%s' (the gateway's CA is pinned)", c.ca ? c.ca : "");
    config_error(msg);
  }
  /* The token: a root-only file, never on a command line (ps shows those). */
  char *token_text = c.token_file ? read_trusted(c.token_file, 1, "token_file") : NULL;
  if (!token_text) {
    snprintf(msg, sizeof msg, "token_file: no token at '%s'", c.token_file ? c.token_file : "");
    config_error(msg);
  }
  token_text[strcspn(token_text, "\n")] = '\0';
  if (strncmp(token_text, "ghk_", 4)) config_error("the token file does not hold a Gatehouse API token");
  if (token_text[strspn(token_text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")])
    config_error("the token file holds more than one token");
  char hostname[256] = {0};
  const char *host = c.host && *c.host ? c.host : (gethostname(hostname, sizeof hostname - 1) == 0 ? hostname : "");

  const char *pam_type = getenv("PAM_TYPE");
  if (pam_type && *pam_type && strcmp(pam_type, "auth") && strcmp(pam_type, "account") && strcmp(pam_type, "open_session"))
    return 0; /* closing a session or changing a password is not a login */
  const char *account = getenv("PAM_USER");
  if (!account) account = "";
  char *account_json = json_escaped(account);
  if (!*account || !account_json || strlen(account) > 256) {
    say("Login refused by site access control (bad-account)");
    return 1;
  }

  /* Break-glass accounts get in when the gateway cannot be asked. */
  if (break_glass_member(&c, account)) {
    unreachable_line = "Site access control unreachable: break-glass login allowed (gateway-unreachable)\n";
    unreachable_exit = 0;
  } else if (!strcmp(policy_when_unreachable(&c), "open")) {
    unreachable_line = "Site access control unreachable: login allowed by site policy (gateway-unreachable)\n";
    unreachable_exit = 0;
  } else {
    unreachable_line = "Login refused: site access control unreachable (gateway-unreachable)\n";
    unreachable_exit = 3;
  }
  /* The deadline covers resolving, connecting, TLS and the answer. */
  struct sigaction sa = {0};
  sa.sa_handler = on_deadline;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval deadline = {0};
  deadline.it_value.tv_sec = (time_t)c.timeout;
  deadline.it_value.tv_usec = (suseconds_t)((c.timeout - (double)(time_t)c.timeout) * 1e6);
  setitimer(ITIMER_REAL, &deadline, NULL);

  unsigned char random[16];
  if (getrandom(random, sizeof random, 0) != (ssize_t)sizeof random) config_error("no randomness");
  char nonce[33];
  for (size_t i = 0; i < sizeof random; i++) snprintf(nonce + 2 * i, 3, "%02x", random[i]);
  char body[4096];
  snprintf(body, sizeof body, "{\"account\":\"%s\",\"nonce\":\"%s\",\"time\":%lld", account_json, nonce,
           (long long)time(NULL));
  add_field(body, sizeof body, "host", host);
  add_field(body, sizeof body, "service", getenv("PAM_SERVICE"));
  add_field(body, sizeof body, "rhost", getenv("PAM_RHOST"));
  strncat(body, "}", sizeof body - strlen(body) - 1);

  static char reply[MAX_REPLY];
  const char *answer = "";
  int status = ask(&t, ca_pem, token_text, body, reply, sizeof reply, &answer);
  OPENSSL_cleanse(token_text, strlen(token_text));
  if (status == 401 || status == 403) {
    note("the gateway refused this host's token (HTTP %d)", status);
    say("Login refused: this workstation is not recognised by site access control (token-refused)");
    return 4;
  }
  if (status != 200) {
    snprintf(msg, sizeof msg, "HTTP %d", status);
    unreachable(msg);
  }
  /* Answered: the deadline is over. */
  struct itimerval off = {0};
  setitimer(ITIMER_REAL, &off, NULL);

  char decision[32], reason[64], told[16], echoed[80];
  value_of(answer, "decision", decision, sizeof decision);
  value_of(answer, "reason", reason, sizeof reason);
  value_of(answer, "onUnreachable", told, sizeof told);
  value_of(answer, "nonce", echoed, sizeof echoed);
  if (strcmp(echoed, nonce)) {
    note("the answer does not echo this question's nonce");
    say("Login refused: site access control answered another question (bad-answer)");
    return 6;
  }
  remember_policy(&c, told);

  /* Our own words per code: nothing the gateway sends is printed on a terminal as is. */
  if (!strcmp(decision, "allow")) return 0;
  if (!strcmp(decision, "step-up")) {
    if (!strcmp(c.step_up, "pass")) {
      snprintf(msg, sizeof msg, "A second factor is needed for this login (%s)", *reason ? reason : "step-up");
      say(msg);
      return 0;
    }
    snprintf(msg, sizeof msg, "Login refused: a second factor is needed and this login offers none (%s)",
             *reason ? reason : "step-up");
    say(msg);
    return 2;
  }
  if (!strcmp(decision, "deny")) {
    if (!strcmp(reason, "not-present")) say("Login refused: badge in to this area first (not-present)");
    else if (!strcmp(reason, "unknown-account"))
      say("Login refused: account not known to site access control (unknown-account)");
    else if (!strcmp(reason, "not-active"))
      say("Login refused: account not active in site access control (not-active)");
    else if (!strcmp(reason, "stale")) say("Login refused: this workstation's clock is wrong, tell IT (stale)");
    else {
      snprintf(msg, sizeof msg, "Login refused by site access control (%s)", *reason ? reason : "deny");
      say(msg);
    }
    return 1;
  }
  note("an answer without a decision");
  say("Login refused: site access control answered another question (bad-answer)");
  return 6;
}
