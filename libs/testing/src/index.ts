export * from './door-sensors';
