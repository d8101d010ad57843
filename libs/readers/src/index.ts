export { type PortStatus, type ReaderStatus, type SerialPortConfig } from './port';
export { ReadersService } from './readers.service';
export { ReaderKeyStore } from './reader-keys';
