export { BROADCAST, crc16Aug, decodeOsdp, encodeOsdp, type OsdpFrame, OsdpReader } from './frame';
export { CMD, encodeBuzzer, encodeLed, encodeOutputs, LED_COLOUR, REPLY } from './messages';
export {
  clientCryptogram,
  computeMac,
  decryptData,
  initialRmac,
  sameBytes,
  SCBK_D,
  SCS,
  serverCryptogram,
  sessionKeys,
  type SessionKeys,
} from './secure';
export { SecureSession } from './session';
export { ControlPanel, type CpEvents, type PdChange, type PdConfig, type PdStatus } from './cp';
export { redactedBytes, redactedHex } from './redact';
