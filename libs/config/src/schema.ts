import { isIP } from 'node:net';
import { z } from 'zod';

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const ROLE_NAMES = [
  'reception',
  'guard',
  'facility-manager',
  'responder',
  'admin',
  'auditor',
  'privacy-officer',
  // A machine, not a person: an agent or shipper posting workstation logins (API tokens only).
  'login-source',
  // A machine, not a person: one workstation asking whether a login on itself may go ahead (API tokens only).
  'workstation',
] as const;

/**
 * A secret is never written in a configuration file: it names a file (owner-only
 * permissions expected) or an environment variable that holds it.
 */
export const secretRef = z.union(
  [
    z.strictObject({ file: z.string().min(1).describe('Path of a file holding the secret') }),
    z.strictObject({
      env: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/)
        .describe('Environment variable holding the secret'),
    }),
  ],
  {
    // An installer pasting a key inline gets told what to do instead, not "Invalid input".
    error: (issue) =>
      typeof issue.input === 'string' || typeof issue.input === 'number'
        ? 'a secret is never written in the configuration itself: put it in a file only the gateway can read and write { file: /path/to/it }, or in an environment variable and write { env: NAME }'
        : 'expected { file: /path/to/secret } or { env: NAME }',
  },
);
export type SecretRef = z.infer<typeof secretRef>;

/** Who a notification target may hear about: neither silent alarms nor personal data by default. */
const audience = {
  silentAlarms: z
    .boolean()
    .default(false)
    .describe('Send silent alarms (duress, watch-listed card) to this receiver'),
  personalData: z.boolean().default(false).describe("Include the cardholder's id in what this receiver gets"),
};

/** An address or CIDR range, v4 or v6. */
const isRange = (range: string): boolean => {
  const [address, prefix, ...rest] = range.trim().split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
};

/** One workstation group's login gating policy (gating.default and each of gating.groups). */
const gatingGroup = z.strictObject({
  onUnreachable: z
    .enum(['open', 'closed'])
    .default('closed')
    .describe(
      'What the workstation does when it cannot reach the gateway in time: let logins through (open) or refuse them (closed); told to the client in every answer',
    ),
  breakGlass: z
    .array(z.string().min(1).max(256))
    .max(100)
    .default([])
    .describe('Accounts let in whatever presence says (emergency accounts); every use is journaled'),
  remoteWithoutPresence: z
    .array(z.string().regex(/^[a-z0-9-]{1,40}$/))
    .max(32)
    .default([])
    .describe('Remote classes (gating.remoteClasses, or remote-host) whose logins need no presence'),
  whenAbsent: z
    .enum(['deny', 'step-up'])
    .default('deny')
    .describe("The answer for a known, active person not badged into the workstation's zone"),
  whenUnmapped: z
    .enum(['deny', 'step-up', 'allow'])
    .default('deny')
    .describe('The answer for an account that maps to no cardholder (local and service accounts)'),
  domain: z
    .string()
    .min(1)
    .max(253)
    .optional()
    .describe('Domain an account without one is read in (PAM gives ann, the directory has CORP\\ann)'),
});

// prefault({}) parses the empty object through the section, so its own defaults apply.
const section = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape).prefault({} as never);

export const configSchema = z.strictObject({
  version: z
    .literal(1)
    .default(1)
    .describe('Version of this file format; migrated by the gateway when it changes'),
  dataDir: z
    .string()
    .min(1)
    .default('data')
    .describe('Folder for the database, keys and captures (relative paths are from the working directory)'),
  site: section({
    name: z
      .string()
      .min(1)
      .max(100)
      .default('Gatehouse')
      .describe('Site name shown in the console and written into evidence'),
    timeZone: z
      .string()
      .refine(isTimeZone, 'unknown IANA time zone')
      .default('UTC')
      .describe('IANA time zone of the site: schedules, and device times that carry no zone'),
  }),
  http: section({
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Address to listen on; loopback by default, a site opens it to its LAN deliberately'),
    port: z.number().int().min(1).max(65535).default(8080).describe('TCP port of the API and console'),
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('Largest request body accepted; larger ones get 413'),
    trustProxy: z
      .boolean()
      .default(false)
      .describe('Take the client address from X-Forwarded-For (only behind a trusted proxy)'),
    metricsPublic: z
      .boolean()
      .default(false)
      .describe(
        'Serve /metrics without authentication (otherwise an admin or auditor session or token is needed)',
      ),
    consoleDir: z
      .string()
      .default('')
      .describe('Folder of the built console; empty means the one built with the gateway'),
    tls: section({
      certFile: z.string().default('').describe('PEM certificate chain; with keyFile, serve HTTPS only'),
      keyFile: z.string().default('').describe('PEM private key (a secret: keep it owner-readable only)'),
    }),
  }),
  storage: section({
    sqlitePath: z.string().default('').describe('SQLite database file; empty means <dataDir>/gatehouse.db'),
    synchronous: z
      .enum(['full', 'normal'])
      .default('full')
      .describe('SQLite durability: full survives power loss at the cost of an fsync per group commit'),
    readWorkers: z
      .number()
      .int()
      .min(1)
      .max(8)
      .default(1)
      .describe('Worker threads running heavy reads (search, export) off the event loop'),
  }),
  journal: section({
    batchMaxEntries: z
      .number()
      .int()
      .min(1)
      .max(10000)
      .default(1000)
      .describe('Most entries in one group commit'),
    batchMaxDelayMs: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(2)
      .describe('Longest an entry waits for others to join its group commit'),
    checkpointEveryEntries: z
      .number()
      .int()
      .min(1)
      .default(1000)
      .describe('Sign a checkpoint at least every this many entries'),
    checkpointEverySeconds: z
      .number()
      .int()
      .min(1)
      .default(60)
      .describe('Sign a checkpoint at least this often while new entries arrive'),
    signingKeyFile: z
      .string()
      .default('')
      .describe(
        'Ed25519 private key (PEM) signing checkpoints; empty means <dataDir>/keys/journal-signing.pem, made at first start',
      ),
  }),
  privacy: section({
    masterKeyFile: z
      .string()
      .default('')
      .describe(
        "File holding the 256-bit master key (base64 or hex, owner-only) that wraps every person's data key; empty means the GATEHOUSE_MASTER_KEY variable alone. Keep it off the data disk and back it up: beside the database it protects nothing, and lost it leaves every sealed field unreadable",
      ),
  }),
  auth: section({
    sessionIdleMinutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(30)
      .describe('A session ends after this long without a request'),
    sessionAbsoluteHours: z
      .number()
      .int()
      .min(1)
      .max(168)
      .default(12)
      .describe('A session ends this long after sign-in, used or not'),
    lockoutThreshold: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(5)
      .describe('Failed sign-ins within the window that lock the account'),
    lockoutWindowMinutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(15)
      .describe('Window in which failures are counted'),
    lockoutMinutes: z
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(15)
      .describe('How long a locked account stays locked'),
    addressThreshold: z
      .number()
      .int()
      .min(1)
      .max(10000)
      .default(20)
      .describe('Failed sign-ins from one address within the window before that address is throttled'),
    passwordMinLength: z.number().int().min(8).max(128).default(12).describe('Shortest password accepted'),
    totpRequiredRoles: z
      .array(z.enum(ROLE_NAMES))
      .default(['admin', 'responder'])
      .describe('Roles whose operators must use a second factor (TOTP)'),
    bootstrapTokenHours: z
      .number()
      .int()
      .min(1)
      .max(168)
      .default(24)
      .describe('Lifetime of the first-start bootstrap token'),
    tokenMaxDays: z.number().int().min(1).max(3650).default(365).describe('Longest lifetime of an API token'),
  }),
  security: section({
    profile: z
      .enum(['standard', 'pci'])
      .default('standard')
      .describe(
        'pci: the minimums of PCI DSS v4 for sites that take card payments (idle session, lockout, password, second factor for administrative roles); weaker values are refused at start. See README, "Security profiles"',
      ),
  }),
  events: section({
    replayLimit: z
      .number()
      .int()
      .min(0)
      .max(100000)
      .default(10000)
      .describe('Most journal entries replayed to a live stream resuming with Last-Event-ID'),
  }),
  mqtt: section({
    url: z
      .string()
      .default('')
      .describe('Broker URL (mqtt://host:1883 or mqtts://host:8883); empty: no MQTT'),
    clientId: z
      .string()
      .min(1)
      .max(64)
      .default('gatehouse')
      .describe(
        'Fixed client id: with a persistent session, what sensors publish while the gateway is down is delivered later',
      ),
    username: z.string().max(200).default('').describe('User name at the broker'),
    password: secretRef.optional().describe('The broker password, from a file or an environment variable'),
    caFile: z.string().default('').describe('CA certificate (PEM) to trust for mqtts://'),
    certFile: z.string().default('').describe('Client certificate (PEM), with keyFile'),
    keyFile: z.string().default('').describe('Client key (PEM)'),
    reconnectMaxSeconds: z
      .number()
      .int()
      .min(1)
      .max(600)
      .default(30)
      .describe('Longest wait between reconnection attempts (backoff doubles up to it)'),
    topicPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'topic levels of letters, digits, _ and -')
      .default('gatehouse')
      .describe('Where the gateway publishes door states, alarms and its own status'),
    homeAssistantDiscovery: z
      .boolean()
      .default(true)
      .describe('Publish Home Assistant MQTT discovery for every door'),
    embeddedBroker: section({
      enabled: z
        .boolean()
        .default(false)
        .describe(
          'Run a small MQTT broker inside the gateway when no external broker (url) is set: for a machine with none',
        ),
      host: z.string().min(1).default('127.0.0.1').describe('Address the embedded broker listens on'),
      port: z
        .number()
        .int()
        .min(1)
        .max(65535)
        .default(1884)
        .describe('Port of the embedded broker (1883 is usually an installed broker)'),
    }),
  }),
  sensors: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(64).describe('Sensor id (journal, health)'),
        door: z.string().min(1).max(64).describe('The door it belongs to (an access door id)'),
        role: z.enum(['contact', 'rex']).default('contact').describe('What it tells about the door'),
        converter: z.enum(['zigbee2mqtt', 'shelly-gen1', 'shelly-gen2', 'tasmota', 'esphome', 'generic']),
        device: z
          .string()
          .min(1)
          .max(200)
          .describe('Friendly name, device id, Tasmota topic or ESPHome node'),
        channel: z
          .string()
          .max(64)
          .optional()
          .describe('ESPHome binary sensor name, Tasmota switch or Shelly input number'),
        invert: z.boolean().default(false),
        generic: z
          .strictObject({
            topic: z.string().min(1).max(300),
            path: z.string().max(200).optional(),
            openValues: z.array(z.string().max(100)).min(1),
            closedValues: z.array(z.string().max(100)).min(1),
            signal: z.enum(['contact', 'rex', 'tamper']).optional(),
          })
          .optional(),
      }),
    )
    .default([])
    .describe('Door sensors reached over MQTT'),
  doors: section({
    maxClockSkewSeconds: z
      .number()
      .int()
      .min(1)
      .max(86400)
      .default(300)
      .describe(
        "How far ahead of the gateway's clock a sensor's own time may be; a later one is refused and the reading taken at its arrival",
      ),
    sensorGraceSeconds: z
      .number()
      .int()
      .min(0)
      .max(86400)
      .default(300)
      .describe('A sensor not heard from this long after start is flagged on the guard board'),
  }),
  actuators: z
    .array(
      z.strictObject({
        door: z.string().min(1).max(64).describe('The door whose strike the relay switches'),
        kind: z.enum(['shelly-gen1', 'tasmota', 'esphome', 'generic']),
        device: z.string().min(1).max(200).describe('Shelly device id, Tasmota topic or ESPHome node'),
        channel: z.string().max(64).optional().describe('Relay index, POWER number or switch name'),
        generic: z
          .strictObject({
            commandTopic: z.string().min(1),
            stateTopic: z.string().min(1),
            on: z.string(),
            off: z.string(),
            onState: z.string(),
            offState: z.string(),
          })
          .optional(),
      }),
    )
    .default([])
    .describe('Door strikes switched over MQTT, each confirmed by the device'),
  serial: z
    .array(
      z
        .strictObject({
          id: z.string().min(1).max(64).describe('Port id (status, capture download, journal)'),
          path: z
            .string()
            .min(1)
            .max(400)
            .describe('Device path; prefer /dev/serial/by-id/... so a re-plugged adapter keeps its name'),
          protocol: z
            .enum(['bridge', 'osdp'])
            .describe(
              'bridge: the Wiegand bridge of firmware-bridge/; osdp: OSDP readers (the gateway is the CP)',
            ),
          baudRate: z.number().int().min(1200).max(921_600).default(115_200),
          pollIntervalMs: z
            .number()
            .int()
            .min(20)
            .max(1000)
            .default(100)
            .describe('OSDP: how often each reader is polled'),
          markByte: z
            .boolean()
            .default(false)
            .describe(
              'OSDP: send the mark byte (0xFF) before each frame, as OSDP 2.2 allows and some readers expect',
            ),
          readers: z
            .array(
              z.strictObject({
                id: z.string().min(1).max(64).describe("The access reader id (a door's reader)"),
                address: z
                  .number()
                  .int()
                  .min(0)
                  .max(126)
                  .describe('Bridge reader index (0 or 1), or the OSDP address of the reader'),
                scbk: secretRef.optional().describe("OSDP: the reader's secure channel key (32 hex digits)"),
                plainText: z
                  .boolean()
                  .default(false)
                  .describe(
                    'OSDP: run this reader without a secure channel (card numbers and commands in clear on the bus); only with no scbk',
                  ),
                installMode: z
                  .boolean()
                  .default(false)
                  .describe(
                    'OSDP: the reader may have no key yet: install one with SCBK-D and KEYSET (scbk, or without scbk a key the gateway makes and keeps sealed), then use it',
                  ),
                format: z
                  .enum(['H10301', 'H10306', 'H10302', 'C1000-35', 'C1000-48', 'raw'])
                  .default('H10301')
                  .describe('The card format used for decisions; every fitting interpretation is kept too'),
              }),
            )
            .default([]),
          relays: z
            .array(
              z.strictObject({
                relay: z.number().int().min(0).max(15).describe('Bridge relay, or OSDP output number'),
                address: z
                  .number()
                  .int()
                  .min(0)
                  .max(126)
                  .default(0)
                  .describe('OSDP: the reader whose output it is'),
                door: z.string().min(1).max(64).describe('The door whose strike the relay switches'),
              }),
            )
            .default([]),
          inputs: z
            .array(
              z.strictObject({
                input: z.number().int().min(0).max(15),
                address: z
                  .number()
                  .int()
                  .min(0)
                  .max(126)
                  .default(0)
                  .describe('OSDP: the reader whose input it is'),
                sensor: z.string().min(1).max(64).describe('Sensor id (journal, door state)'),
                door: z.string().min(1).max(64),
                role: z.enum(['contact', 'rex']),
              }),
            )
            .default([]),
        })
        .superRefine((port, ctx) => {
          const problem = (path: (string | number)[], message: string) =>
            ctx.addIssue({ code: 'custom', path, message });
          const addresses = new Set<number>();
          port.readers.forEach((r, i) => {
            if (addresses.has(r.address))
              problem(['readers', i, 'address'], `address ${r.address} is used twice`);
            addresses.add(r.address);
            if (port.protocol === 'bridge') {
              if (r.address > 1) problem(['readers', i, 'address'], 'the bridge has readers 0 and 1');
              if (r.scbk || r.plainText || r.installMode)
                problem(['readers', i], 'scbk, plainText and installMode are for OSDP readers');
            } else if (!r.scbk && !r.plainText && !r.installMode) {
              // Deny by default: card numbers in clear on the bus are a choice, not an accident.
              problem(
                ['readers', i, 'scbk'],
                `OSDP reader ${r.id} has no key: give it scbk, set installMode: true for a key the gateway makes and installs, or plainText: true`,
              );
            } else if (r.plainText && r.scbk) {
              problem(
                ['readers', i, 'plainText'],
                'a reader with a key does not run in plain text (remove plainText or scbk)',
              );
            } else if (r.plainText && r.installMode) {
              problem(
                ['readers', i, 'plainText'],
                'installMode installs a key on the reader and plainText runs it without one: choose one',
              );
            }
          });
          port.relays.forEach((r, i) => {
            if (port.protocol === 'bridge' && r.relay > 1)
              problem(['relays', i, 'relay'], 'the bridge has relays 0 and 1');
            if (port.protocol === 'osdp' && !addresses.has(r.address))
              problem(['relays', i, 'address'], `no reader at address ${r.address} on this port`);
          });
          port.inputs.forEach((input, i) => {
            if (port.protocol === 'bridge' && input.input > 3)
              problem(['inputs', i, 'input'], 'the bridge has inputs 0 to 3');
            if (port.protocol === 'osdp' && !addresses.has(input.address))
              problem(['inputs', i, 'address'], `no reader at address ${input.address} on this port`);
          });
        }),
    )
    .default([])
    .superRefine((ports, ctx) => {
      const seen = new Set<string>();
      ports.forEach((port, p) =>
        port.readers.forEach((r, i) => {
          if (seen.has(r.id))
            ctx.addIssue({
              code: 'custom',
              path: [p, 'readers', i, 'id'],
              message: `reader ${r.id} is configured twice`,
            });
          seen.add(r.id);
        }),
      );
    })
    .describe('Serial buses with badge readers'),
  notifications: section({
    mqttEvents: z
      .array(z.string())
      .default(['alarm.raised', 'alarm.escalated', 'alarm.resolved', 'alarm.false-alarm'])
      .describe('Alarm changes published on <topicPrefix>/alarms/<id> (needs MQTT)'),
    mqttSilentAlarms: z
      .boolean()
      .default(false)
      .describe(
        'Publish silent alarms (duress, watch-listed card) on MQTT too: anyone subscribed to the topic would see them',
      ),
    mqttPersonalData: z
      .boolean()
      .default(false)
      .describe("Include the cardholder's id in alarms published on MQTT"),
    retryHorizonSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 86_400)
      .default(86_400)
      .describe('How long an alarm notification is retried before it is given up (journaled)'),
    backoffMaxSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(300)
      .describe('Longest wait between two attempts to a failing target (exponential backoff with jitter)'),
    failingAlarmAfterSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(300)
      .describe('Raise an alarm when a notification target has been failing this long'),
    webhooks: z
      .array(
        z.strictObject({
          url: z.url({ protocol: /^https?$/ }).describe('Receiver of a signed JSON POST per alarm change'),
          secret: secretRef.describe('HMAC-SHA256 key for the X-Gatehouse-Signature header'),
          events: z.array(z.string()).default(['alarm.raised', 'alarm.escalated']),
          ...audience,
          caFile: z
            .string()
            .default('')
            .describe("CA certificate (PEM) that signed the receiver's certificate, for a private PKI"),
          timeoutSeconds: z
            .number()
            .int()
            .min(1)
            .max(120)
            .default(10)
            .describe('An attempt with no answer within this time fails (and is retried)'),
        }),
      )
      .default([])
      .describe('Webhooks notified of alarm changes'),
    syslog: z
      .array(
        z.strictObject({
          host: z.string().min(1),
          port: z.number().int().min(1).max(65535).default(514).describe('514; 6514 is the usual TLS port'),
          protocol: z
            .enum(['udp', 'tcp', 'tls'])
            .default('udp')
            .describe('udp (no delivery guarantee), tcp (RFC 6587) or tls (RFC 5425)'),
          format: z.enum(['rfc5424', 'cef']).default('rfc5424'),
          events: z
            .array(z.string())
            .default(['alarm.raised', 'alarm.escalated', 'alarm.resolved', 'alarm.false-alarm']),
          enterpriseNumber: z
            .number()
            .int()
            .min(1)
            .default(32473)
            .describe(
              'IANA private enterprise number in the structured-data id (alarm@<n>); 32473 is reserved for documentation (RFC 5612): set your own',
            ),
          caFile: z.string().default('').describe('For tls: CA certificate (PEM) of the receiver'),
          ...audience,
        }),
      )
      .default([])
      .describe('SIEMs receiving alarm changes over syslog'),
  }),
  alarms: section({
    escalateAfterSeconds: section({
      critical: z
        .number()
        .int()
        .min(0)
        .max(86_400)
        .default(30)
        .describe('Escalate a critical alarm not acknowledged within this many seconds (0: never)'),
      high: z
        .number()
        .int()
        .min(0)
        .max(86_400)
        .default(60)
        .describe('Escalate a high-priority alarm not acknowledged within this many seconds (0: never)'),
      medium: z
        .number()
        .int()
        .min(0)
        .max(86_400)
        .default(300)
        .describe('Escalate a medium-priority alarm not acknowledged within this many seconds (0: never)'),
      low: z
        .number()
        .int()
        .min(0)
        .max(86_400)
        .default(0)
        .describe('Escalate a low-priority alarm not acknowledged within this many seconds (0: never)'),
    }),
    instructions: z
      .record(
        z.string().regex(/^[a-z0-9-]{1,64}$/, 'an alarm type, e.g. forced-open'),
        z.string().min(1).max(2000),
      )
      .default({})
      .describe(
        "What the guard does, per alarm type (e.g. forced-open: 'Call the duty manager on 2222'); replaces the built-in text for that type",
      ),
  }),
  correlation: section({
    enabled: z
      .boolean()
      .default(true)
      .describe('Compare physical presence with workstation sessions and raise the breaches as alarms'),
    skewToleranceSeconds: z
      .number()
      .int()
      .min(0)
      .max(600)
      .default(30)
      .describe(
        'How far the clocks of readers and workstations may disagree before an order of events counts',
      ),
    remoteNeedsPresence: z
      .boolean()
      .default(false)
      .describe(
        'Expect presence on site for remote interactive logons (Windows type 10) to on-site workstations too',
      ),
    horizonHours: z
      .number()
      .int()
      .min(1)
      .max(168)
      .default(36)
      .describe('How far back facts are kept to judge late ones again (and replayed after a restart)'),
    denialBurst: section({
      count: z
        .number()
        .int()
        .min(2)
        .max(100)
        .default(3)
        .describe('Denials for one card or at one reader that make a burst'),
      windowMinutes: z
        .number()
        .int()
        .min(1)
        .max(1440)
        .default(10)
        .describe('The window those denials fall in'),
    }),
    rules: z
      .partialRecord(
        z.enum([
          'login-without-badge-in',
          'login-after-badge-out',
          'session-after-badge-out',
          'credential-sharing',
          'impossible-travel',
          'denial-burst',
          'leaver-activity',
        ]),
        z.strictObject({
          enabled: z.boolean().optional(),
          severity: z.enum(['critical', 'high', 'medium', 'low']).optional(),
          graceSeconds: z.number().int().min(0).max(3600).optional(),
        }),
      )
      .default({})
      .describe(
        'Per rule: enabled, severity (the alarm priority) and grace (how long an alert resting on a missing event waits for late ones)',
      ),
    walking: z
      .array(
        z.strictObject({
          from: z.string().min(1).max(64).describe('A reader id'),
          to: z.string().min(1).max(64).describe('Another reader id'),
          seconds: z.number().int().min(1).max(86_400).describe('The shortest walk between them, either way'),
        }),
      )
      .default([])
      .describe('Walking times between readers: two passes closer than this are impossible travel'),
    lockWebhook: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .describe('Ask the workstation to lock its session when one of the rules below raises an alert'),
        url: z
          .string()
          .default('')
          .describe(
            'Receiver of the signed lock request (a workstation agent or its manager): https, or http on loopback only',
          ),
        secret: secretRef
          .optional()
          .describe('HMAC-SHA256 key for the X-Gatehouse-Signature header, from a file or a variable'),
        caFile: z
          .string()
          .default('')
          .describe("CA certificate (PEM) that signed the receiver's certificate, for a private PKI"),
        timeoutSeconds: z
          .number()
          .int()
          .min(1)
          .max(60)
          .default(5)
          .describe('An attempt with no answer within this time fails (and is retried)'),
        rules: z
          .array(
            z.enum([
              'session-after-badge-out',
              'login-after-badge-out',
              'login-without-badge-in',
              'credential-sharing',
              'leaver-activity',
            ]),
          )
          .min(1)
          .default(['session-after-badge-out'])
          .describe('The rules whose raised alerts ask for a lock (those about a workstation session)'),
      })
      .superRefine((w, ctx) => {
        if (!w.enabled) return;
        const problem = (path: string, message: string) =>
          ctx.addIssue({ code: 'custom', path: [path], message });
        if (!w.secret) problem('secret', 'an enabled lock webhook needs a secret to sign its requests');
        const url = URL.canParse(w.url) ? new URL(w.url) : null;
        if (!url) return problem('url', 'an enabled lock webhook needs a valid url');
        if (url.username || url.password)
          problem('url', 'no credentials in the url: the requests are signed');
        const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
        if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
          problem('url', 'the lock webhook must be https (http only to a receiver on loopback, for a test)');
      })
      .prefault({} as never)
      .describe('Tell the workstation to lock through a signed webhook (off by default)'),
  }),
  logins: section({
    listeners: z
      .array(
        z.strictObject({
          name: z
            .string()
            .regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes')
            .describe('Names the listener in counters, logs and journal entries'),
          protocol: z
            .enum(['syslog-udp', 'syslog-tcp', 'syslog-tls', 'beats'])
            .describe(
              'syslog-udp, syslog-tcp (RFC 6587), syslog-tls (RFC 5425) or beats (Lumberjack v2, Winlogbeat output.logstash)',
            ),
          host: z.string().min(1).default('127.0.0.1').describe('Address to listen on'),
          port: z.number().int().min(1).max(65535).describe('Port to listen on'),
          allow: z
            .array(z.string().min(1).max(64))
            .default([])
            .describe('Senders allowed (CIDR ranges or addresses); empty allows nobody'),
          rate: section({
            perSecond: z
              .number()
              .min(0.1)
              .max(100_000)
              .default(50)
              .describe('Messages per second per source'),
            burst: z
              .number()
              .int()
              .min(1)
              .max(1_000_000)
              .default(500)
              .describe('Messages at once after a quiet spell'),
            maxSources: z
              .number()
              .int()
              .min(1)
              .max(1_000_000)
              .default(10_000)
              .describe('Sources tracked at once'),
          }),
          maxFrameBytes: z
            .number()
            .int()
            .min(1024)
            .max(1024 * 1024)
            .default(64 * 1024)
            .describe('Largest frame accepted; longer ones are dropped and counted'),
          tls: z
            .strictObject({
              certFile: z.string().min(1).describe('PEM certificate chain'),
              keyFile: z.string().min(1).describe('PEM private key (a secret: keep it owner-readable only)'),
              caFile: z
                .string()
                .default('')
                .describe('CA (PEM) that client certificates must chain to; empty asks for none'),
            })
            .optional()
            .describe('Required for syslog-tls; optional for beats (Winlogbeat ssl.*)'),
        }),
      )
      .default([])
      .refine((l) => new Set(l.map((x) => x.name)).size === l.length, 'listener names must be unique')
      .refine(
        (l) => l.every((x) => x.protocol !== 'syslog-tls' || x.tls),
        'a syslog-tls listener needs tls.certFile and tls.keyFile',
      )
      .refine(
        (l) => l.every((x) => !x.tls || x.protocol === 'syslog-tls' || x.protocol === 'beats'),
        'tls is for syslog-tls and beats listeners only',
      )
      .describe('Where workstations and their shippers send login events; none by default'),
    workstations: z
      .record(
        z.string().min(1).max(253).describe('A host name (as the workstation names itself) or an IP address'),
        z.strictObject({
          zone: z.string().min(1).max(64).describe('The zone (id) the workstation is in'),
          acceptedZones: z
            .array(z.string().min(1).max(64))
            .max(32)
            .optional()
            .describe('Zones that count as being at this workstation (default: its zone)'),
          remote: z
            .boolean()
            .default(false)
            .describe('A jump host or VPN gateway: sessions on it are remote, presence is not expected'),
        }),
      )
      .default({})
      .describe('Workstations by host name or address, case-insensitively, to their zones'),
    timeZone: z
      .string()
      .refine(isTimeZone, 'unknown IANA time zone')
      .optional()
      .describe(
        "IANA zone assumed for login times without one (NXLog EventTime, RFC 3164); default the site's",
      ),
    http: section({
      maxBatch: z
        .number()
        .int()
        .min(1)
        .max(5000)
        .default(500)
        .describe('Most events in one POST /api/v1/logins (its body is limited by http.bodyLimitBytes)'),
    }),
    keepUnknown: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(200)
      .describe('Unreadable messages kept for an admin to look at (the oldest go first)'),
    sessions: section({
      idleTimeoutMinutes: z
        .number()
        .int()
        .min(5)
        .max(7 * 24 * 60)
        .default(12 * 60)
        .describe(
          'An open session with no login fact for this long is taken as ended (its logoff never came)',
        ),
      lockedTimeoutMinutes: z
        .number()
        .int()
        .min(5)
        .max(7 * 24 * 60)
        .default(4 * 60)
        .describe('A locked session with no login fact for this long is forgotten'),
      maxSessions: z
        .number()
        .int()
        .min(100)
        .max(1_000_000)
        .default(100_000)
        .describe('Sessions tracked at once; past it the stalest is forgotten (counted)'),
    }),
    mqtt: section({
      topic: z
        .string()
        .max(200)
        .regex(
          /^([A-Za-z0-9_-]+|\+)(\/([A-Za-z0-9_-]+|\+))*$|^$/,
          'topic levels of letters, digits, _, - or +',
        )
        .default('')
        .describe(
          'Topic on the site broker (mqtt.url) where agents publish login events, the JSON of POST /api/v1/logins; + matches one level (a topic per agent); empty: none',
        ),
      rate: section({
        perSecond: z
          .number()
          .min(0.1)
          .max(100_000)
          .default(50)
          .describe('Events per second per source (client topic)'),
        burst: z
          .number()
          .int()
          .min(1)
          .max(1_000_000)
          .default(500)
          .describe('Events at once after a quiet spell'),
        maxSources: z
          .number()
          .int()
          .min(1)
          .max(1_000_000)
          .default(10_000)
          .describe('Sources tracked at once'),
      }),
      maxPayloadBytes: z
        .number()
        .int()
        .min(1024)
        .max(4 * 1024 * 1024)
        .default(256 * 1024)
        .describe('Largest message taken; larger ones are counted and dropped'),
    }),
  }),
  directory: section({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Synchronise people, accounts and group levels from an LDAP directory (Active Directory or OpenLDAP)',
      ),
    kind: z
      .enum(['active-directory', 'openldap'])
      .default('active-directory')
      .describe(
        'active-directory: sAMAccountName, userPrincipalName, userAccountControl; openldap: uid, mail, and disabledFilter',
      ),
    url: z
      .string()
      .regex(/^ldaps?:\/\/[^\s/]+\/?$/, 'ldap://host:port or ldaps://host:port')
      .default('ldaps://127.0.0.1:636')
      .describe('The directory server (ldaps:// for TLS from the first byte)'),
    bindDn: z
      .string()
      .max(512)
      .default('')
      .describe('The DN the gateway binds as (a read-only service account)'),
    bindPassword: secretRef
      .optional()
      .describe('Its password, from a file or an environment variable; read at each sync, never logged'),
    caFile: z
      .string()
      .default('')
      .describe(
        'CA (PEM) that the server certificate must chain to for ldaps://; empty trusts the system CAs',
      ),
    baseDn: z.string().max(512).default('').describe('Where people are searched (subtree)'),
    userFilter: z
      .string()
      .max(1024)
      .optional()
      .describe(
        'LDAP filter of people; default (&(objectCategory=person)(objectClass=user)) on AD, (objectClass=inetOrgPerson) on OpenLDAP',
      ),
    groupBaseDn: z.string().max(512).default('').describe('Where groups are searched (default baseDn)'),
    groupFilter: z
      .string()
      .max(1024)
      .optional()
      .describe(
        'LDAP filter of groups; default (objectClass=group) on AD, (|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)) on OpenLDAP',
      ),
    disabledFilter: z
      .string()
      .max(1024)
      .default('')
      .describe(
        'LDAP filter of disabled people (OpenLDAP, e.g. (pwdAccountLockedTime=*)); AD also reads userAccountControl bit 2',
      ),
    domain: z
      .string()
      .max(64)
      .default('')
      .describe('NetBIOS domain (CORP) that accounts carry as DOMAIN\\user; empty gives bare user names'),
    attributes: section({
      name: z
        .string()
        .min(1)
        .max(64)
        .default('displayName')
        .describe('Attribute holding the display name (else cn)'),
      department: z
        .string()
        .min(1)
        .max(64)
        .default('department')
        .describe('Attribute holding the department'),
      employeeNumber: z
        .string()
        .min(1)
        .max(64)
        .default('employeeID')
        .describe('Attribute holding the employee number (OpenLDAP: employeeNumber)'),
    }),
    groupLevels: z
      .record(
        z.string().min(1).max(256).describe('A group, by its cn or its DN (case-insensitive)'),
        z.array(z.string().min(1).max(64)).max(50).describe('Access level ids its members hold'),
      )
      .default({})
      .describe(
        'Directory groups to access levels; only levels named here are granted or withdrawn by the sync, others stay as set',
      ),
    intervalSeconds: z
      .number()
      .int()
      .min(30)
      .max(86_400)
      .default(300)
      .describe('Time between syncs: a leaver is suspended within one interval'),
    timeoutSeconds: z.number().int().min(1).max(300).default(15).describe('Connect and operation time-out'),
    pageSize: z
      .number()
      .int()
      .min(10)
      .max(5000)
      .default(500)
      .describe('Entries per page of the paged search'),
    maxEntries: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(100_000)
      .describe('Most people read in one sync; more refuses the answer as partial'),
    safety: section({
      maxLeaverFraction: z
        .number()
        .min(0)
        .max(1)
        .default(0.1)
        .describe(
          'Refuse a sync that would make leavers of more than this share of the people linked to the directory (journaled and alarmed instead)',
        ),
      alwaysAllow: z
        .number()
        .int()
        .min(0)
        .max(1000)
        .default(3)
        .describe('So many leavers in one sync are applied whatever the share (small sites)'),
    }),
  }).superRefine((d, ctx) => {
    if (!d.enabled) return;
    if (!d.baseDn)
      ctx.addIssue({ code: 'custom', path: ['baseDn'], message: 'a directory sync needs baseDn' });
    if (d.bindDn && !d.bindPassword)
      ctx.addIssue({
        code: 'custom',
        path: ['bindPassword'],
        message: 'bindDn needs bindPassword ({ file } or { env })',
      });
  }),
  gating: section({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Answer workstations asking whether a login may go ahead (POST /api/v1/gating/decide, workstation tokens)',
      ),
    default: gatingGroup.prefault({}).describe('The policy of a workstation in no group'),
    groups: z
      .record(
        z.string().regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes'),
        gatingGroup.extend({
          hosts: z
            .array(z.string().min(1).max(253))
            .min(1)
            .max(10_000)
            .describe('Workstations of the group, by host name as in logins.workstations'),
        }),
      )
      .default({})
      .refine((groups) => {
        const hosts = Object.values(groups).flatMap((g) => g.hosts.map((h) => h.toLowerCase()));
        return new Set(hosts).size === hosts.length;
      }, 'a workstation belongs to one group at most')
      .describe('Workstation groups, each with its own policy'),
    remoteClasses: z
      .record(
        z.string().regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes'),
        z.array(z.string().refine(isRange, 'an address or CIDR range (10.8.0.0/16)')).min(1).max(256),
      )
      .default({})
      .refine((c) => !('remote-host' in c), 'remote-host is the class of workstations marked remote')
      .describe(
        'Remote classes by the address a login comes from (PAM_RHOST): VPN pools, jump hosts. A workstation marked remote in logins.workstations is class remote-host',
      ),
    presenceMaxAgeHours: z
      .number()
      .min(1)
      .max(168)
      .default(16)
      .describe('A badge-in older than this no longer counts as presence'),
    replayWindowSeconds: z
      .number()
      .int()
      .min(10)
      .max(86_400)
      .default(600)
      .describe(
        "How far a question's time may be from the gateway's clock (else refused as stale); its nonce is remembered, across restarts, for twice this, and the same nonce again is refused as replayed",
      ),
    rateLimit: z
      .strictObject({
        perSecond: z
          .number()
          .positive()
          .max(10_000)
          .default(1)
          .describe('Questions a workstation token may ask per second, sustained'),
        burst: z
          .number()
          .int()
          .min(1)
          .max(100_000)
          .default(30)
          .describe(
            'Questions a workstation token may ask at once (a jump host with many logins at the hour)',
          ),
      })
      .prefault({})
      .describe(
        'Per workstation token: questions past it are refused with 429 and Retry-After (a stolen or looping token cannot flood the gateway or enumerate accounts fast); one gating.rate-limited entry per burst',
      ),
  }),
  demo: section({
    simulator: z
      .boolean()
      .default(false)
      .describe(
        'Start the simulated door sensors of the demo site (apps/sim) beside the gateway; for the demo only',
      ),
    seedSite: z
      .boolean()
      .default(false)
      .describe(
        'On a site with no doors yet, create a sample site (zones, doors, schedules, levels, people) to explore; for the demo only',
      ),
    makeMasterKey: z
      .boolean()
      .default(false)
      .describe(
        'Without a master key given, make one in <dataDir>/keys/demo-master.key at first start, beside the data it protects (so it protects nothing); for the demo only',
      ),
    readers: z
      .boolean()
      .default(false)
      .describe(
        "Add the demo site's serial readers (OSDP in secure channel, and the Wiegand bridge) on pseudo-terminals in <dataDir>/tty, with keys made in <dataDir>/keys/readers; for the demo only",
      ),
  }),
  log: section({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info').describe('Log level'),
  }),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
