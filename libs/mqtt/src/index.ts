export * from './converter';
export * from './converters';
export * from './router';
export * from './client';
export * from './embedded-broker';
export * from './publisher';
export * from './actuators';
