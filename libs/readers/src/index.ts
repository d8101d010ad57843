export * from './bridge-link';
export * from './capture';
export * from './readers.service';
export * from './serial-channel';
