export * from './door-sensors';
export * from './journal';
