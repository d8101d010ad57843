export * from './bridge-link';
export * from './bridge-port';
export * from './capture';
export * from './osdp-port';
export * from './port';
export * from './readers.service';
export * from './serial-channel';
export * from './serial-port-base';
