export * from './json';
export * from './errors';
export * from './clock';
export * from './journal';
export * from './access';
export * from './event-bus';
export * from './events';
export * from './tokens';
