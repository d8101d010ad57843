/**
 * What the guard does about each alarm type, shown beside the alarm (issue 11,
 * item 6; Genetec and Verkada show the site's procedure with each alarm). The
 * site's own words per type, from configuration, replace these.
 */
export const DEFAULT_INSTRUCTIONS: Readonly<Record<string, string>> = {
  'forced-open':
    'Check the door on camera or in person. If someone forced it, call security staff and follow them; do not confront an intruder alone. Acknowledge once someone is on the way.',
  'held-open':
    'Find who is holding the door and ask them to close it. If it will not close, check the closer and the latch, and stay nearby until it is secure.',
  'held-open-warning':
    'The door has been open a while and will raise a held-open alarm soon: ask whoever is there to close it.',
  tailgating:
    'More people passed than cards were granted. Check the camera for who followed, and ask them to badge in at reception.',
  'anti-passback':
    'Informational: the person was let through although their card was last used in the other direction. Nothing to do unless it repeats.',
  'revoked-credential-used':
    'A revoked card was presented. Check who holds it on camera; the card should be collected.',
  'lost-credential-used':
    'A card reported lost was presented. Check who holds it; if it is not its owner, call security staff.',
  'watch-listed-credential-used':
    'A watch-listed person presented their card. Follow the site procedure for the watch list; do not alert the person.',
  duress:
    'A person entered their duress PIN: they may be forced to open the door. Call the police or security staff at once, quietly; do not call the person.',
  'pin-brute-force':
    'Many wrong PINs at one reader. Check who is there on camera; the keypad is locked for a while.',
  'actuator-unconfirmed':
    'The lock relay did not confirm it switched. Check whether the door locks; if not, call maintenance and guard the door.',
  'actuator-stuck-on':
    'The lock relay did not switch back off: the door may stand unlocked. Check the door at once and guard it; call maintenance. The gateway keeps trying to switch it off.',
  'login-without-badge-in':
    'Someone logged on as this person at a desk on site, but the person has not badged in today. Check who is at that workstation; if it is not them, lock the account with IT and keep the evidence.',
  'login-after-badge-out':
    'The desk of a person who has left the zone was unlocked or logged on. Check who is at that workstation now; the person may have shared their password or left the session open.',
  'session-after-badge-out':
    'The person left while their session stayed open and unlocked. Lock the workstation (or ask IT to) and remind the person to lock before leaving.',
  'credential-sharing':
    'One account is in use at two desks at once, or in a zone the person never entered. Find both workstations and who sits there; one of them is not the account holder.',
  'impossible-travel':
    'The same card was used at two doors faster than anyone can walk between them: the card may be cloned. Check both doors on camera and suspend the card if in doubt.',
  'denial-burst':
    'A card was refused several times in a few minutes. Check who is at the reader on camera; someone may be trying cards or a cloned one.',
  'leaver-activity':
    'A card or account of someone who has left was used. Treat it as an intrusion: find who used it, and have IT disable the account at once.',
  'sensor-offline':
    'A door sensor stopped reporting. Check its battery and radio; until then the door state is unknown.',
  'sensor-tamper': 'A door sensor was opened or moved. Check the sensor in person.',
  'sensor-battery-low': 'Replace the door sensor battery soon.',
  'used-while-away':
    'The door opened or closed while the gateway was away: review the camera for that time if it matters.',
  'reader-offline':
    'A reader stopped answering. Check its cable and power; people cannot badge there until it is back.',
  'reader-tamper': 'A reader reports tampering. Check the reader in person.',
  'reader-power': 'A reader reports a power problem. Check its supply.',
  'reader-secure-channel':
    'A reader could not set up its secure channel. Call the installer; its key may need to be installed again.',
  'reader-key-rotation': 'A reader key change did not complete. Call the installer.',
  'bridge-error': 'A reader bridge reports an error. Check it and call the installer if it persists.',
  'bridge-failsafe': 'A reader bridge fell back to its fail-safe. Check the doors it serves.',
};

const FALLBACK = 'Check the place and the cause, then acknowledge and resolve with what you found.';

/** The instructions for an alarm type: the site's own when configured, else the built-in ones. */
export const instructionsFor = (type: string, site: Readonly<Record<string, string>> = {}): string =>
  (Object.hasOwn(site, type) ? site[type] : undefined) ??
  (Object.hasOwn(DEFAULT_INSTRUCTIONS, type) ? DEFAULT_INSTRUCTIONS[type] : undefined) ??
  FALLBACK;
