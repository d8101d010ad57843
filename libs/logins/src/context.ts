/** What interpreting needs besides the message itself. */
export interface InterpretContext {
  /** IANA zone assumed where a format gives local time without an offset (NXLog EventTime). */
  zone: string;
}
