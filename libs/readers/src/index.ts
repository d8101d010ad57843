export { type PortStatus, type ReaderStatus, type SerialPortConfig } from './port';
export { ReadersService } from './readers.service';
export { journalKeyMade, type KeyJournal, ReaderKeyStore } from './reader-keys';
