export * from './door-sensors';
export * from './journal';
export * from './bridge-harness';
export * from './osdp-pd';
export * from './osdp-bus';
export * from './osdp-capture-attack';
